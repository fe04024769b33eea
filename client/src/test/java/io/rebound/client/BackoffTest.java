package io.rebound.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void delaysStayBetweenMinAndAnExponentiallyGrowingCeilingCappedAtMax() {
    Backoff b = new Backoff(100, 5000, new Random(42));
    for (int attempt = 0; attempt < 20; attempt++) {
      long ceiling = Math.min(5000, 100 + Math.min(5000, 100L << Math.min(attempt, 20)));
      assertThat(b.ceilingMs(attempt)).isEqualTo(ceiling);
      for (int i = 0; i < 200; i++) assertThat(b.delayMs(attempt)).isBetween(100L, ceiling);
    }
  }

  @Test
  void delaysGrowWithTheAttemptOnAverage() {
    Backoff b = new Backoff(100, 20_000, new Random(7));
    double previous = 0;
    for (int attempt = 0; attempt <= 7; attempt++) { // below the cap: min + U(0, min * 2^attempt)
      int a = attempt;
      double mean = LongStream.range(0, 4000).map(i -> b.delayMs(a)).average().orElseThrow();
      double expected = 100 + 50.0 * (1 << attempt); // 150, 200, 300, 500, … 6500
      assertThat(mean).as("mean delay of attempt %d", attempt).isBetween(expected * 0.95, expected * 1.05).isGreaterThan(previous);
      previous = mean;
    }
    double capped = LongStream.range(0, 2000).map(i -> b.delayMs(30)).average().orElseThrow();
    assertThat(capped).isBetween(9_500.0, 10_600.0); // min(max, min + U(0, max)): the ceiling stops growing
  }

  @Test
  void delaysAreJitteredSoClientsSpreadOut() {
    Backoff b = new Backoff(500, 20_000, new Random(1));
    Set<Long> distinct = new HashSet<>();
    for (int i = 0; i < 100; i++) distinct.add(b.delayMs(3));
    assertThat(distinct).hasSizeGreaterThan(90);
  }

  @Test
  void aSeededRandomGivesTheSameSequence() {
    Backoff a = new Backoff(500, 20_000, new Random(99));
    Backoff b = new Backoff(500, 20_000, new Random(99));
    for (int i = 0; i < 10; i++) assertThat(a.delayMs(i)).isEqualTo(b.delayMs(i));
  }

  @Test
  void rejectsMaxBelowMin() {
    assertThatThrownBy(() -> new Backoff(1000, 10, new Random())).isInstanceOf(IllegalArgumentException.class);
  }
}
