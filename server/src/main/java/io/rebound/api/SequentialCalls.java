package io.rebound.api;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs calls one after another, each starting when the previous one has completed, without
 * recursion: a call that completes at once (a publish into a channel without history) does not
 * nest the next one inside it, so thousands of calls behind a slow first one cost no stack (a
 * chain of futures would unwind them all in one call stack when the first completes, and overflow
 * it after a few hundred).
 *
 * <p>Confined to the caller's event loop: the calls' futures must complete on it.
 */
final class SequentialCalls<T, R> {

  private final List<T> items;
  private final Function<T, Future<R>> call;
  private final List<R> results;
  private final Promise<List<R>> done = Promise.promise();
  private int next;
  private boolean running;
  private boolean waiting;

  private SequentialCalls(List<T> items, Function<T, Future<R>> call) {
    this.items = items;
    this.call = call;
    this.results = new ArrayList<>(items.size());
  }

  /**
   * Applies {@code call} to each of {@code items} in order, the next when the previous future has
   * succeeded; completes with the results in order. {@code call} must not throw and its futures
   * must not fail (map failures to a result).
   */
  static <T, R> Future<List<R>> run(List<T> items, Function<T, Future<R>> call) {
    SequentialCalls<T, R> calls = new SequentialCalls<>(items, call);
    calls.drive();
    return calls.done.future();
  }

  private void drive() {
    if (running) return; // a call completed inside the loop below: the loop goes on with the next
    running = true;
    try {
      while (!waiting && next < items.size()) {
        waiting = true;
        call.apply(items.get(next)).onComplete(ar -> {
          results.add(ar.result());
          next++;
          waiting = false;
          drive();
        });
      }
      if (!waiting && next == items.size()) done.tryComplete(results);
    } finally {
      running = false;
    }
  }
}
