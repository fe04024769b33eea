package io.rebound.engine;

import io.vertx.core.Context;

/**
 * Where a node's fan-out messages end: one of its edges, which holds an interest in the channels it
 * has subscribers of ({@link Broadcaster#interest}) and is called on its own event loop.
 */
public interface FanoutReceiver {

  /** The context {@link #onFanout} runs on. */
  Context context();

  /** A publication, join or leave of a channel this receiver holds an interest in. */
  void onFanout(FanoutMessage message);
}
