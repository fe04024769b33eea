package io.rebound.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A flapping backend is one burst: one line when it starts, one with the count when it has been quiet. */
class FailureBurstTest {

  private static final long S = 1_000_000_000L;

  @Test
  void answersBetweenFailuresDoNotEndTheBurst() {
    FailureBurst b = new FailureBurst();
    assertThat(b.answered(0)).isZero();
    assertThat(b.failed(1 * S)).as("starts a burst").isTrue();
    assertThat(b.answered(2 * S)).as("too soon after a failure").isZero();
    assertThat(b.failed(3 * S)).as("same burst").isFalse();
    assertThat(b.failed(4 * S)).isFalse();
    assertThat(b.answered(4 * S + FailureBurst.QUIET_NANOS)).as("quiet long enough: ends with its count").isEqualTo(3);
    assertThat(b.answered(20 * S)).isZero();
    assertThat(b.failed(21 * S)).as("a new burst").isTrue();
  }
}
