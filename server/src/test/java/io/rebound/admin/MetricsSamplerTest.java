package io.rebound.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.metrics.BrokerMetrics;
import org.junit.jupiter.api.Test;

class MetricsSamplerTest {

  private final BrokerMetrics metrics = new BrokerMetrics();
  private final MetricsSampler sampler = new MetricsSampler(metrics);

  @Test
  void eachSampleIsWhatChangedSinceThePreviousOne() {
    for (int i = 0; i < 3; i++) metrics.connectionOpened("websocket", "json");
    metrics.published();
    metrics.delivered(3);
    Sample first = sampler.sample(100);
    assertThat(first.second()).isEqualTo(100);
    assertThat(first.connections()).isEqualTo(3);
    assertThat(first.opened()).isEqualTo(3);
    assertThat(first.publications()).isEqualTo(1);
    assertThat(first.deliveries()).isEqualTo(3);

    // A balancer reload: everyone drops, comes back and recovers; one recovery is refused.
    for (int i = 0; i < 3; i++) metrics.connectionClosed("websocket", "json");
    for (int i = 0; i < 3; i++) metrics.connectionOpened("websocket", "json");
    for (int i = 0; i < 3; i++) metrics.recoveryAttempted();
    metrics.recoverySucceeded();
    metrics.recoverySucceeded();
    metrics.recoveryRefused("trimmed");
    metrics.disconnect(3001);
    metrics.resumed();
    metrics.resumeRefused();
    Sample second = sampler.sample(101);
    assertThat(second.connections()).isEqualTo(3);
    assertThat(second.opened()).isEqualTo(3);
    assertThat(second.closed()).isEqualTo(3);
    assertThat(second.recoveriesAttempted()).isEqualTo(3);
    assertThat(second.recovered()).isEqualTo(2);
    assertThat(second.recoveriesRefused()).isEqualTo(1);
    assertThat(second.refusedByReason()).containsExactly(java.util.Map.entry("trimmed", 1L));
    assertThat(second.disconnects()).containsExactly(java.util.Map.entry("3001", 1L));
    assertThat(second.resumed()).isEqualTo(1);
    assertThat(second.resumesRefused()).isEqualTo(1);
    assertThat(second.publications()).isZero();

    Sample quiet = sampler.sample(102);
    assertThat(quiet.opened()).isZero();
    assertThat(quiet.closed()).isZero();
    assertThat(quiet.disconnects()).isEmpty();
    assertThat(quiet.refusedByReason()).isEmpty();
    assertThat(quiet.connections()).isEqualTo(3);
  }
}
