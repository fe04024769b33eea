package io.rebound.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.rebound.config.ProxyOptions.Hook;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The proxy's meters: {@code rebound_proxy_requests_total{hook,outcome}} per hook and outcome
 * ({@code ok}, {@code error}, {@code disconnect} — the backend's answers — and {@code timeout},
 * {@code unreachable}, {@code status}, {@code invalid}, {@code overloaded} — no usable answer),
 * {@code rebound_proxy_duration_seconds{hook}} for answered calls, and the call line's gauges
 * {@code rebound_proxy_in_flight} and {@code rebound_proxy_queued}. Thread-safe.
 */
final class ProxyMetrics {

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<Hook, Timer> timers = new ConcurrentHashMap<>();

  ProxyMetrics(MeterRegistry registry, CallLimiter limiter) {
    this.registry = registry;
    // Gauges are held weakly by Micrometer: the limiter is kept alive by the client that owns both.
    Gauge.builder("rebound_proxy_in_flight", limiter, CallLimiter::inFlight).description("backend proxy calls in flight on this node").register(registry);
    Gauge.builder("rebound_proxy_queued", limiter, CallLimiter::queued).description("backend proxy calls waiting for a slot").register(registry);
  }

  void outcome(Hook hook, String outcome) {
    counters.computeIfAbsent(hook.key + '/' + outcome, k -> Counter.builder("rebound_proxy_requests_total")
        .description("backend proxy calls by hook and outcome").tag("hook", hook.key).tag("outcome", outcome).register(registry)).increment();
  }

  void answered(Hook hook, long nanos) {
    timers.computeIfAbsent(hook, h -> Timer.builder("rebound_proxy_duration_seconds").description("backend proxy call time, answered calls")
        .tag("hook", h.key).register(registry)).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }
}
