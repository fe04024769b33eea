package io.rebound.loadtest.fanout;

import io.rebound.loadtest.common.Stats;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Formats {@link RunResult}s as human lines or JSON lines (same field names as the shared fanout.mjs). */
public final class BenchReport {

  private BenchReport() {}

  /** One JSON object per round. */
  public static JsonObject json(RunResult r) {
    JsonObject o = new JsonObject()
        .put("run", r.run() + 1)
        .put("subscribers", r.subscribers())
        .put("publications", r.publications())
        .put("expected", r.expected())
        .put("delivered", r.delivered())
        .put("lost", r.lost())
        .put("duplicates", r.duplicates())
        .put("out_of_order", r.outOfOrder())
        .put("disconnects", r.disconnects())
        .put("publish_errors", r.publishErrors())
        .put("deliveries_per_s", Math.round(r.deliveriesPerSec()))
        .put("publish_per_s", Math.round(r.publishPerSec()))
        .put("p50_ms", round1(r.p50Ms()))
        .put("p99_ms", round1(r.p99Ms()))
        .put("max_ms", round1(r.maxMs()));
    if (r.firstPublishError() != null) o.put("first_publish_error", r.firstPublishError());
    return o;
  }

  /** Medians over all rounds (totals for the loss counters, the worst max). */
  public static JsonObject summary(List<RunResult> runs) {
    return new JsonObject()
        .put("summary", true)
        .put("runs", runs.size())
        .put("subscribers", runs.isEmpty() ? 0 : runs.get(0).subscribers())
        .put("publications", runs.isEmpty() ? 0 : runs.get(0).publications())
        .put("lost", runs.stream().mapToLong(RunResult::lost).sum())
        .put("duplicates", runs.stream().mapToLong(RunResult::duplicates).sum())
        .put("out_of_order", runs.stream().mapToLong(RunResult::outOfOrder).sum())
        .put("publish_errors", runs.stream().mapToLong(RunResult::publishErrors).sum())
        .put("deliveries_per_s", Math.round(median(runs, RunResult::deliveriesPerSec)))
        .put("publish_per_s", Math.round(median(runs, RunResult::publishPerSec)))
        .put("p50_ms", round1(median(runs, RunResult::p50Ms)))
        .put("p99_ms", round1(median(runs, RunResult::p99Ms)))
        .put("max_ms", round1(runs.stream().mapToDouble(RunResult::maxMs).max().orElse(0)));
  }

  /** A one-line human summary of a round. */
  public static String human(RunResult r) {
    String s = String.format(Locale.ROOT,
        "run %d: %d subscribers x %d publications: delivered %d/%d (lost %d, duplicates %d, out of order %d, disconnects %d)%n"
            + "       %,.0f deliveries/s, %,.0f publish/s, latency p50 %.1f ms, p99 %.1f ms, max %.1f ms",
        r.run() + 1, r.subscribers(), r.publications(), r.delivered(), r.expected(), r.lost(), r.duplicates(),
        r.outOfOrder(), r.disconnects(), r.deliveriesPerSec(), r.publishPerSec(), r.p50Ms(), r.p99Ms(), r.maxMs());
    if (r.publishErrors() > 0) s += String.format("%n       %d publish errors, first: %s", r.publishErrors(), r.firstPublishError());
    return s;
  }

  /** The human form of {@link #summary(List)}. */
  public static String humanSummary(List<RunResult> runs) {
    JsonObject j = summary(runs);
    return String.format(Locale.ROOT, "median of %d runs: %,d deliveries/s, %,d publish/s, p50 %.1f ms, p99 %.1f ms, "
            + "worst max %.1f ms; total lost %d, duplicates %d",
        runs.size(), j.getLong("deliveries_per_s"), j.getLong("publish_per_s"), j.getDouble("p50_ms"),
        j.getDouble("p99_ms"), j.getDouble("max_ms"), j.getLong("lost"), j.getLong("duplicates"));
  }

  /** The median of {@code f} over {@code runs} (mean of the middle two for an even count; 0 when empty). */
  static double median(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
    return Stats.median(runs.stream().mapToDouble(f).toArray());
  }

  private static double round1(double ms) {
    return Math.round(ms * 10) / 10.0;
  }
}
