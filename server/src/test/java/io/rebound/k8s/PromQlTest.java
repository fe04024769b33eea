package io.rebound.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The PromQL name extraction MonitoringIT relies on: if it found nothing, that test would pass vacuously. */
class PromQlTest {

  @Test
  void metricsLabelsAndFunctionsOfADashboardQuery() {
    PromQl.Names n = PromQl.names("sum by (code) (rate(rebound_disconnects_total{instance=~\"$instance\",code!=\"3001\"}[$__rate_interval]))");
    assertThat(n.metrics()).containsExactly("rebound_disconnects_total");
    assertThat(n.labels()).containsExactlyInAnyOrder("code", "instance");
    assertThat(n.functions()).containsExactly("sum", "rate");
  }

  @Test
  void ratiosOffsetsKeywordsAndNumbers() {
    PromQl.Names n = PromQl.names("""
        sum(rate(a_total[5m])) / clamp_min(sum(rate(b_total[5m])), 1e-9) > 0.05
        and sum(c offset 5m) > 100 unless on (instance) group_left (pod) d == bool 1""");
    assertThat(n.metrics()).containsExactly("a_total", "b_total", "c", "d");
    assertThat(n.labels()).containsExactly("instance", "pod");
    assertThat(n.functions()).containsExactly("sum", "rate", "clamp_min");
  }

  @Test
  void stringsAndGrafanaVariablesAreNotNames() {
    PromQl.Names n = PromQl.names("x{job=\"rebound_fake_metric\"} * ${factor} + $y");
    assertThat(n.metrics()).containsExactly("x");
    assertThat(n.labels()).containsExactly("job");
  }
}
