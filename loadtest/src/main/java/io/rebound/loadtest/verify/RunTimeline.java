package io.rebound.loadtest.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One sample per second of what the run looks like from outside (connected clients, settled subscriptions,
 * acknowledged publications, deliveries), for the progress line and the report's chart. Bounded by the run's length.
 */
final class RunTimeline {

  /** One second of the run. */
  record Sample(long atMs, int connected, int subscribed, long acked, long deliveries, long retries, int reconnects) {}

  private final List<Sample> samples = new ArrayList<>(); // guarded by this
  private final long startMs = System.currentTimeMillis();
  private final Supplier<Sample> probe;

  RunTimeline(Supplier<Sample> probe) {
    this.probe = probe;
  }

  long startMs() {
    return startMs;
  }

  /** Takes a sample now (the probe fills everything but the time). */
  synchronized Sample sample() {
    Sample s = probe.get();
    Sample stamped = new Sample(System.currentTimeMillis() - startMs, s.connected(), s.subscribed(), s.acked(), s.deliveries(), s.retries(),
        s.reconnects());
    samples.add(stamped);
    return stamped;
  }

  synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }
}
