package io.rebound.loadtest.common;

import java.util.Arrays;

/** Order statistics over the figures of a run (medians over runs, percentiles over per-client latencies). */
public final class Stats {
  private Stats() {}

  /** The median of {@code values}: the middle one, the mean of the middle two for an even count; 0 when empty. */
  public static double median(double[] values) {
    if (values.length == 0) return 0;
    double[] v = values.clone();
    Arrays.sort(v);
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }

  /**
   * The nearest-rank percentile {@code p} (0 &lt; p ≤ 100) of {@code values}: the smallest value with at
   * least p % of them at or below it (p = 100 is the maximum); 0 when empty.
   */
  public static long percentile(long[] values, double p) {
    if (p <= 0 || p > 100) throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
    if (values.length == 0) return 0;
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }
}
