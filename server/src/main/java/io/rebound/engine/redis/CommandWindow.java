package io.rebound.engine.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Sends commands in the order they are submitted, at most {@code maxInFlight} of them awaiting their
 * replies at a time; the others wait here, in order. A burst (a thousand subscribes after a mass
 * reconnect) thus never becomes a pipeline so long that its tail misses the command timeout, which
 * starts only when a command is sent, and memory stays bounded by what callers are waiting for.
 *
 * <p>Confined to {@code context}: {@link #submit} must be called there, and replies hop back to it.
 */
final class CommandWindow {

  private final Context context;
  private final int maxInFlight;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int inFlight;

  CommandWindow(Context context, int maxInFlight) {
    if (maxInFlight <= 0) throw new IllegalArgumentException("maxInFlight must be > 0: " + maxInFlight);
    this.context = context;
    this.maxInFlight = maxInFlight;
  }

  /** Sends {@code command} now or, when the window is full, after the commands submitted before it. */
  <T> Future<T> submit(Supplier<Future<T>> command) {
    Promise<T> outcome = Promise.promise();
    Runnable send = () -> {
      inFlight++;
      Future<T> sent;
      try {
        sent = command.get();
      } catch (RuntimeException e) {
        sent = Future.failedFuture(e);
      }
      sent.onComplete(ar -> context.runOnContext(v -> {
        inFlight--;
        outcome.handle(ar);
        sendWaiting();
      }));
    };
    if (inFlight < maxInFlight && waiting.isEmpty()) send.run();
    else waiting.add(send);
    return outcome.future();
  }

  /** Commands sent and not yet answered, plus those waiting (for tests). */
  int pending() {
    return inFlight + waiting.size();
  }

  private void sendWaiting() {
    while (inFlight < maxInFlight && !waiting.isEmpty()) waiting.poll().run();
  }
}
