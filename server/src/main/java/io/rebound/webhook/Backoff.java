package io.rebound.webhook;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Waits between resends of a failed batch: doubling from {@code min} up to {@code max}, each drawn
 * at random from the upper half of its step, so that nodes that lost the same backend at the same
 * moment do not all come back to it in the same millisecond.
 */
final class Backoff {

  private final long minMs;
  private final long maxMs;

  Backoff(Duration min, Duration max) {
    this.minMs = Math.max(1, min.toMillis());
    this.maxMs = Math.max(minMs, max.toMillis());
  }

  /** The wait before resend number {@code attempt} (1 = the first resend), in milliseconds, within [1, max]. */
  long delayMs(int attempt) {
    long step = minMs;
    for (int i = 1; i < attempt && step < maxMs; i++) step = Math.min(maxMs, step * 2);
    long low = Math.max(1, step / 2);
    return low + ThreadLocalRandom.current().nextLong(step - low + 1);
  }
}
