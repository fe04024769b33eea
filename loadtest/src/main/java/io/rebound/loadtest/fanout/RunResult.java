package io.rebound.loadtest.fanout;

/** Figures of one measurement round, as printed by {@link BenchReport}. */
public record RunResult(
    int run,
    int subscribers,
    int publications,
    long expected,
    long delivered,
    long lost,
    long duplicates,
    long outOfOrder,
    long disconnects,
    int publishErrors,
    String firstPublishError,
    double deliveriesPerSec,
    double publishPerSec,
    double p50Ms,
    double p99Ms,
    double maxMs) {

  static RunResult of(RunSpec spec, int subscribers, PublisherLoop.Result pub, DeliveryStats s) {
    long expected = (long) subscribers * spec.publications();
    double span = s.spanMicros() / 1e6;
    double perSec = span > 0 ? s.delivered / span : s.delivered; // like fanout.mjs: a zero span counts as 1 s
    return new RunResult(spec.run(), subscribers, spec.publications(), expected, s.delivered,
        Math.max(0, expected - s.delivered), s.duplicates, s.outOfOrder, s.disconnects, pub.errors(), pub.firstError(),
        perSec, pub.publishPerSec(), ms(s.latency.percentileMicros(0.50)), ms(s.latency.percentileMicros(0.99)),
        ms(s.latency.maxMicros()));
  }

  /** True when nothing was lost, duplicated or failed to publish. */
  boolean clean() {
    return lost == 0 && duplicates == 0 && publishErrors == 0;
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }
}
