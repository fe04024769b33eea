package io.rebound.loadtest.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Medians and nearest-rank percentiles, as the reports of the tools print them. */
class StatsTest {

  @Test
  void medianIsTheMiddleOrTheMeanOfTheMiddleTwo() {
    assertThat(Stats.median(new double[] {3, 1, 2})).isEqualTo(2);
    assertThat(Stats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(Stats.median(new double[0])).isZero();
  }

  @Test
  void percentileIsTheNearestRank() {
    long[] latencies = {40, 10, 30, 20}; // unsorted on purpose
    assertThat(Stats.percentile(latencies, 25)).isEqualTo(10);
    assertThat(Stats.percentile(latencies, 50)).isEqualTo(20);
    assertThat(Stats.percentile(latencies, 51)).isEqualTo(30);
    assertThat(Stats.percentile(latencies, 99)).isEqualTo(40);
    assertThat(Stats.percentile(latencies, 100)).isEqualTo(40);
    assertThat(latencies).as("the input is not sorted in place").containsExactly(40, 10, 30, 20);
    assertThat(Stats.percentile(new long[0], 99)).isZero();
    assertThatThrownBy(() -> Stats.percentile(latencies, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
