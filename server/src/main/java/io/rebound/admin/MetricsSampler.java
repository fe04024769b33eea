package io.rebound.admin;

import io.rebound.metrics.BrokerMetrics;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns the node's cumulative counters into per-second {@link Sample}s: each call reads every
 * counter once and reports what changed since the previous call. The first call reports the change
 * since the node started (its counters began at zero). Confined to the sampler's event loop.
 */
final class MetricsSampler {

  private final BrokerMetrics metrics;
  private Totals previous = Totals.ZERO;

  MetricsSampler(BrokerMetrics metrics) {
    this.metrics = metrics;
  }

  /** What happened since the previous call, filed under {@code second}. */
  Sample sample(long second) {
    Totals now = Totals.read(metrics);
    Totals was = previous;
    previous = now;
    return new Sample(second, metrics.connections(),
        now.opened - was.opened, now.closed - was.closed,
        now.recoveriesAttempted - was.recoveriesAttempted, now.recovered - was.recovered,
        now.recoveriesRefused - was.recoveriesRefused, delta(now.refusedByReason, was.refusedByReason),
        now.resumed - was.resumed, now.resumesRefused - was.resumesRefused,
        now.publications - was.publications, now.deliveries - was.deliveries,
        delta(now.disconnects, was.disconnects));
  }

  private static Map<String, Long> delta(Map<String, Long> now, Map<String, Long> was) {
    Map<String, Long> out = new HashMap<>();
    now.forEach((key, n) -> {
      long d = n - was.getOrDefault(key, 0L);
      if (d > 0) out.put(key, d);
    });
    return out;
  }

  /** Every counter at one moment. */
  private record Totals(long opened, long closed, long recoveriesAttempted, long recovered, long recoveriesRefused,
      Map<String, Long> refusedByReason, long resumed, long resumesRefused, long publications, long deliveries,
      Map<String, Long> disconnects) {

    static final Totals ZERO = new Totals(0, 0, 0, 0, 0, Map.of(), 0, 0, 0, 0, Map.of());

    static Totals read(BrokerMetrics m) {
      Map<String, Long> disconnects = new HashMap<>();
      m.disconnectsByCode().forEach((code, n) -> disconnects.put(String.valueOf(code), n.longValue()));
      Map<String, Long> refused = new HashMap<>();
      m.recoveriesRefusedByReason().forEach((reason, n) -> refused.put(reason, n.longValue()));
      return new Totals((long) m.connectionsOpenedTotal(), (long) m.connectionsClosedTotal(), (long) m.recoveriesAttempted(),
          (long) m.recoveriesSucceeded(), (long) m.recoveriesRefused(), refused, (long) m.resumesTotal(),
          (long) m.resumesRefusedTotal(), (long) m.publicationsTotal(), (long) m.deliveriesTotal(), disconnects);
    }
  }
}
