package io.rebound.loadtest.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The latency histogram's percentile math, merging and limits. */
class LatencyHistogramTest {

  @Test
  void emptyHistogramReportsZero() {
    LatencyHistogram h = new LatencyHistogram();
    assertThat(h.percentileMicros(0.5)).isZero();
    assertThat(h.percentileMicros(0.99)).isZero();
    assertThat(h.maxMicros()).isZero();
  }

  @Test
  void uniformMillisecondsGiveUpperBucketEdgeCappedAtMax() {
    LatencyHistogram h = new LatencyHistogram(); // 100 µs buckets
    for (int ms = 1; ms <= 100; ms++) h.record(ms * 1000L);
    assertThat(h.count()).isEqualTo(100);
    // rank 50 is the value 50 000 µs, in bucket [50 000, 50 100): reported as its upper edge
    assertThat(h.percentileMicros(0.50)).isEqualTo(50_100);
    assertThat(h.percentileMicros(0.99)).isEqualTo(99_100);
    assertThat(h.percentileMicros(1.0)).isEqualTo(100_000); // capped at the exact max
    assertThat(h.maxMicros()).isEqualTo(100_000);
  }

  @Test
  void oneMillisecondBucketsMatchTheIssueExample() {
    LatencyHistogram h = new LatencyHistogram(1000, 10_000_000L);
    for (int i = 0; i < 98; i++) h.record(2_300);
    h.record(40_000);
    h.record(41_500);
    assertThat(h.percentileMicros(0.50)).isEqualTo(3_000);
    assertThat(h.percentileMicros(0.98)).isEqualTo(3_000);
    assertThat(h.percentileMicros(0.99)).isEqualTo(41_000);
    assertThat(h.maxMicros()).isEqualTo(41_500);
  }

  @Test
  void overflowCountsAsTheMaximumAndNegativeClampsToZero() {
    LatencyHistogram h = new LatencyHistogram(1000, 10_000L); // 10 buckets, 0..10 ms
    h.record(-5);
    h.record(500);
    h.record(25_000);
    h.record(30_000);
    assertThat(h.overflow()).isEqualTo(2);
    assertThat(h.percentileMicros(0.25)).isEqualTo(1000);
    assertThat(h.percentileMicros(0.50)).isEqualTo(1000);
    assertThat(h.percentileMicros(0.75)).isEqualTo(30_000);
    assertThat(h.maxMicros()).isEqualTo(30_000);
  }

  @Test
  void mergeAddsCountsAndCopyIsIndependent() {
    LatencyHistogram a = new LatencyHistogram();
    LatencyHistogram b = new LatencyHistogram();
    for (int i = 0; i < 50; i++) a.record(1_000);
    for (int i = 0; i < 50; i++) b.record(9_000);
    LatencyHistogram snapshot = a.copy();
    a.merge(b);
    assertThat(a.count()).isEqualTo(100);
    assertThat(a.percentileMicros(0.5)).isEqualTo(1_100);
    assertThat(a.percentileMicros(0.51)).isEqualTo(9_000);
    assertThat(snapshot.count()).isEqualTo(50);
    a.reset();
    assertThat(a.count()).isZero();
    assertThat(a.percentileMicros(0.99)).isZero();
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> new LatencyHistogram().percentileMicros(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LatencyHistogram(1000, 10_000).merge(new LatencyHistogram()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
