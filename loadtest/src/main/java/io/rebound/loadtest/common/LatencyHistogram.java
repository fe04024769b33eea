package io.rebound.loadtest.common;

import java.util.Arrays;

/**
 * Fixed-bucket latency histogram in microseconds that never allocates on {@link #record(long)}.
 *
 * <p>Bucket {@code i} counts values in {@code [i*w, (i+1)*w)}; values at or above {@code buckets*w} go to one
 * overflow bucket, negative values (clock skew between processes) are clamped to 0. Percentiles report the
 * upper edge of the bucket that holds the requested rank, capped at the exact maximum, so they never
 * understate latency by more than one bucket width. Not thread-safe: keep one per event loop and
 * {@link #merge(LatencyHistogram)} the copies at the end.
 */
public final class LatencyHistogram {

  /** Default bucket width: 100 µs. */
  public static final int DEFAULT_BUCKET_MICROS = 100;
  /** Default range: 10 s (100 000 buckets of 100 µs), beyond that the overflow bucket. */
  public static final long DEFAULT_RANGE_MICROS = 10_000_000L;

  private final int bucketMicros;
  private final int[] counts;
  private long overflow;
  private long count;
  private long maxMicros;

  public LatencyHistogram() {
    this(DEFAULT_BUCKET_MICROS, DEFAULT_RANGE_MICROS);
  }

  public LatencyHistogram(int bucketMicros, long rangeMicros) {
    if (bucketMicros <= 0 || rangeMicros < bucketMicros) throw new IllegalArgumentException("bad histogram geometry");
    this.bucketMicros = bucketMicros;
    this.counts = new int[Math.toIntExact(rangeMicros / bucketMicros)];
  }

  /** Adds one observation of {@code micros}. */
  public void record(long micros) {
    long v = Math.max(0, micros);
    long bucket = v / bucketMicros;
    if (bucket < counts.length) counts[(int) bucket]++;
    else overflow++;
    count++;
    if (v > maxMicros) maxMicros = v;
  }

  /** Adds every observation of {@code other}, which must have the same geometry. */
  public void merge(LatencyHistogram other) {
    if (other.bucketMicros != bucketMicros || other.counts.length != counts.length) {
      throw new IllegalArgumentException("histogram geometry differs");
    }
    for (int i = 0; i < counts.length; i++) counts[i] += other.counts[i];
    overflow += other.overflow;
    count += other.count;
    maxMicros = Math.max(maxMicros, other.maxMicros);
  }

  /** An independent copy (used to hand a snapshot from an event loop to the reporter). */
  public LatencyHistogram copy() {
    LatencyHistogram c = new LatencyHistogram(bucketMicros, (long) counts.length * bucketMicros);
    c.merge(this);
    return c;
  }

  /** Forgets every observation. */
  public void reset() {
    Arrays.fill(counts, 0);
    overflow = 0;
    count = 0;
    maxMicros = 0;
  }

  /**
   * The value in µs below or at which a fraction {@code p} (0 &lt; p ≤ 1) of the observations lie: the upper
   * edge of the bucket holding rank {@code ceil(p*count)}, capped at {@link #maxMicros()}; 0 when empty.
   */
  public long percentileMicros(double p) {
    if (p <= 0 || p > 1) throw new IllegalArgumentException("percentile must be in (0, 1]: " + p);
    if (count == 0) return 0;
    long rank = Math.max(1, (long) Math.ceil(p * count));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) return Math.min((long) (i + 1) * bucketMicros, maxMicros);
    }
    return maxMicros; // the rank lies in the overflow bucket
  }

  public long count() {
    return count;
  }

  public long maxMicros() {
    return maxMicros;
  }

  /** Observations that were beyond the histogram range (still counted in percentiles as the maximum). */
  public long overflow() {
    return overflow;
  }
}
