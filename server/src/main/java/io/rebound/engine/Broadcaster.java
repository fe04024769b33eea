package io.rebound.engine;

import io.vertx.core.Future;

/**
 * Carries {@link FanoutMessage}s to the edges of every node, this one included. Edges always listen
 * on the local event bus address {@link Addresses#FANOUT}; an implementation's job is to get a
 * message there on every node: {@link EventBusBroadcaster} through the (possibly clustered) event bus,
 * the Redis implementation through Redis pub/sub.
 *
 * <p>Delivery is at most once and may reorder messages published from different nodes; edges order
 * publications by offset and fill gaps from history, so implementations need not.
 */
public interface Broadcaster {

  /** Sends {@code message} towards every node's edges; completes once it is handed to the transport. */
  Future<Void> publish(FanoutMessage message);

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
