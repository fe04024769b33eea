package io.rebound.client;

import java.util.Random;

/**
 * Exponential reconnect backoff with full jitter, as the centrifuge JS SDK computes it:
 * {@code min(max, min + random(0, min(max, min * 2^attempt)))}. The ceiling of the random part doubles with every
 * attempt until it reaches {@code max}; the random part spreads a mass reconnect (every client of a restarted balancer)
 * over time instead of hitting the server in one burst. Not thread-safe (one per client, used on its context).
 */
public final class Backoff {

  private final long minMs;
  private final long maxMs;
  private final Random random;

  public Backoff(long minMs, long maxMs, Random random) {
    if (minMs < 0 || maxMs < minMs) throw new IllegalArgumentException("need 0 <= min <= max, got " + minMs + ", " + maxMs);
    this.minMs = minMs;
    this.maxMs = maxMs;
    this.random = random;
  }

  /** The delay before attempt {@code attempt} (0 for the first retry). */
  public long delayMs(int attempt) {
    double ceiling = Math.min(maxMs, minMs * Math.pow(2, Math.min(Math.max(attempt, 0), 31)));
    long jitter = (long) (random.nextDouble() * ceiling);
    return Math.min(maxMs, minMs + jitter);
  }

  /** The largest delay {@code attempt} can produce. */
  public long ceilingMs(int attempt) {
    return (long) Math.min(maxMs, minMs + Math.min(maxMs, minMs * Math.pow(2, Math.min(Math.max(attempt, 0), 31))));
  }
}
