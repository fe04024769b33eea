package io.rebound.client;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Vert.x context that owns all of a client's state (the engine, its collaborators, every subscription): the
 * caller's context when the client was created on a Vert.x thread, else a new event-loop context. Code reaches that
 * state only through here: {@link #run} hops onto the context, {@link #timer} fires on it, and {@link #emit} calls
 * listeners on it. Because of this single owner, no field of the client needs a lock, and a callback can never
 * run concurrently with another. Immutable and thread-safe itself; nothing here blocks.
 */
final class ClientContext {

  private static final Logger LOG = LoggerFactory.getLogger(ReboundClient.class);

  final Vertx vertx;
  final Context context;

  ClientContext(Vertx vertx, Context context) {
    this.vertx = vertx;
    this.context = context;
  }

  /** Whether the calling thread is running on the owning context. */
  boolean isCurrent() {
    return Vertx.currentContext() == context;
  }

  /** Runs {@code r} on the owning context: now when already there, else as the context's next task. */
  void run(Runnable r) {
    if (isCurrent()) r.run();
    else context.runOnContext(v -> r.run());
  }

  /**
   * Runs {@code r} on the owning context after {@code ms} (at least 1 ms: Vert.x refuses shorter timers, and a
   * backoff with a zero minimum yields 0). Returns the timer id for {@link #cancel}.
   */
  long timer(long ms, Runnable r) {
    return vertx.setTimer(Math.max(1, ms), id -> run(r));
  }

  /** Cancels a timer from {@link #timer}; {@code -1} (no timer) is ignored. Always returns -1, for {@code t = cancel(t)}. */
  long cancel(long timer) {
    if (timer >= 0) vertx.cancelTimer(timer);
    return -1;
  }

  /**
   * Calls {@code event} on every listener, in registration order. A listener that throws is logged and skipped: one
   * faulty listener must not stop the others or leave the state machine half-way through a transition.
   */
  <L> void emit(List<L> listeners, Consumer<L> event, String source) {
    for (L l : listeners) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        LOG.warn("event=listener_failed source={}", source, e);
      }
    }
  }
}
