package io.rebound.testing;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Test helpers that wait on conditions, never on fixed sleeps. */
public final class Await {
  private Await() {}

  /** The future's value, failing the test after {@code seconds}. */
  public static <T> T result(Future<T> future, int seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("future failed: " + e.getCause(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError("future did not complete in " + seconds + "s", e);
    }
  }

  /**
   * The result of a future that must complete, waiting up to 30 s: generous on purpose, since a full suite on a loaded
   * 2-core machine (other builds beside it) saw 10 s pass for a plain local HTTP request (HttpStreamIT).
   */
  public static <T> T result(Future<T> future) {
    return result(future, 30);
  }

  /** The failure of a future that must fail. */
  public static Throwable failure(Future<?> future) {
    try {
      Object value = future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected failure, got " + value);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("future did not complete", e);
    }
  }

  /** Polls {@code condition} until true, failing with {@code what} after {@code timeout}. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for: " + what);
      try {
        Thread.onSpinWait();
        TimeUnit.MILLISECONDS.sleep(20); // polling interval of a condition wait, not a guess at timing
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Polls {@code value} until it satisfies nothing but non-null, returning it. */
  public static <T> T value(String what, Duration timeout, Supplier<T> value) {
    Object[] holder = new Object[1];
    until(what, timeout, () -> (holder[0] = value.get()) != null);
    @SuppressWarnings("unchecked") T t = (T) holder[0];
    return t;
  }
}
