package io.rebound.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesFromTheMinimumAndStaysWithinTheMaximum() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
    for (int i = 0; i < 200; i++) {
      assertThat(b.delayMs(1)).isBetween(50L, 100L);
      assertThat(b.delayMs(2)).isBetween(100L, 200L);
      assertThat(b.delayMs(4)).isBetween(400L, 800L);
      assertThat(b.delayMs(30)).isBetween(500L, 1000L);
      assertThat(b.delayMs(Integer.MAX_VALUE)).isBetween(500L, 1000L);
    }
  }
}
