package io.rebound.loadtest;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The centrifuge-js reconnect delay (PROTOCOL.md §3.1): full jitter,
 * {@code min(max, min + rand(0, min(max, min * 2^step)))}. Jitter is what spreads a mass reconnect
 * over time instead of hitting the broker (and the app backend) in one burst.
 */
final class Backoff {

  private Backoff() {}

  static long delayMs(int step, long minMs, long maxMs) {
    double ceiling = Math.min(maxMs, minMs * Math.pow(2, Math.min(step, 30)));
    long jitter = (long) (ThreadLocalRandom.current().nextDouble() * ceiling);
    return Math.min(maxMs, minMs + jitter);
  }
}
