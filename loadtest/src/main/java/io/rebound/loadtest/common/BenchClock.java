package io.rebound.loadtest.common;

/**
 * Wall-clock microseconds with {@link System#nanoTime()} resolution: anchored once to
 * {@link System#currentTimeMillis()}, so timestamps stay comparable between processes on hosts with synced
 * clocks (to about a millisecond), and are sub-millisecond exact within one process.
 */
public final class BenchClock {

  private static final long BASE_NANOS = System.nanoTime();
  private static final long BASE_MICROS = System.currentTimeMillis() * 1000L;

  private BenchClock() {}

  /** Microseconds since the Unix epoch. */
  public static long nowMicros() {
    return BASE_MICROS + (System.nanoTime() - BASE_NANOS) / 1000L;
  }
}
