package io.rebound.loadtest.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Medians over runs and the JSON fields of a run (the same names as the shared fanout.mjs). */
class BenchReportTest {

  @Test
  void medianOfRuns() {
    RunResult a = run(100, 1.0);
    RunResult b = run(300, 3.0);
    RunResult c = run(200, 9.0);
    assertThat(BenchReport.median(List.of(a, b, c), RunResult::deliveriesPerSec)).isEqualTo(200);
    assertThat(BenchReport.median(List.of(a, b), RunResult::p99Ms)).isEqualTo(2.0);
    assertThat(BenchReport.summary(List.of(a, b, c)).getLong("deliveries_per_s")).isEqualTo(200);
    assertThat(BenchReport.json(a).fieldNames()).contains("subscribers", "publications", "expected", "delivered",
        "lost", "duplicates", "out_of_order", "deliveries_per_s", "publish_per_s", "p50_ms", "p99_ms", "max_ms");
  }

  private RunResult run(double perSec, double p99) {
    return new RunResult(0, 10, 10, 100, 100, 0, 0, 0, 0, 0, null, perSec, 50, 1, p99, p99);
  }
}
