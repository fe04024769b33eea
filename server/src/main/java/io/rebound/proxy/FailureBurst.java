package io.rebound.proxy;

/**
 * One hook's failure bursts, for logging: a burst starts with the first failure and ends once the
 * hook has answered with no failure for {@link #QUIET_NANOS}, so a backend that flaps (some calls
 * time out, some answer) is one burst rather than a line per alternation. Thread-safe.
 */
final class FailureBurst {

  /** Answers without a failure for this long end a burst. */
  static final long QUIET_NANOS = 5_000_000_000L;

  private boolean open;
  private long failures;
  private long lastFailure;

  /** A call failed at {@code now}; true when it starts a burst (log it). */
  synchronized boolean failed(long now) {
    failures++;
    lastFailure = now;
    if (open) return false;
    open = true;
    return true;
  }

  /**
   * A call was answered at {@code now}; the number of failed calls of the burst it ends (log them),
   * or 0 when none ends.
   */
  synchronized long answered(long now) {
    if (!open || now - lastFailure < QUIET_NANOS) return 0;
    open = false;
    long n = failures;
    failures = 0;
    return n;
  }
}
