package io.rebound.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginLimiterTest {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
  private final LoginLimiter limiter = new LoginLimiter(5, Duration.ofSeconds(12), 100, nanos::get);

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void anAddressMayTryBurstTimesThenWaitsForTheRefill() {
    for (int i = 0; i < 5; i++) assertThat(limiter.tryAcquire("10.0.0.1")).as("attempt %d", i + 1).isZero();
    assertThat(limiter.tryAcquire("10.0.0.1")).isEqualTo(12);

    advance(Duration.ofSeconds(5));
    assertThat(limiter.tryAcquire("10.0.0.1")).isEqualTo(7);
    advance(Duration.ofSeconds(7));
    assertThat(limiter.tryAcquire("10.0.0.1")).isZero();
    assertThat(limiter.tryAcquire("10.0.0.1")).isEqualTo(12);
  }

  @Test
  void aLongPauseGivesBackNoMoreThanTheBurst() {
    for (int i = 0; i < 5; i++) limiter.tryAcquire("10.0.0.1");
    advance(Duration.ofHours(1));
    for (int i = 0; i < 5; i++) assertThat(limiter.tryAcquire("10.0.0.1")).isZero();
    assertThat(limiter.tryAcquire("10.0.0.1")).isPositive();
  }

  @Test
  void addressesAreLimitedApart() {
    for (int i = 0; i < 5; i++) limiter.tryAcquire("10.0.0.1");
    assertThat(limiter.tryAcquire("10.0.0.1")).isPositive();
    assertThat(limiter.tryAcquire("10.0.0.2")).isZero();
  }

  @Test
  void anIpv6HostCannotHopAddressesWithinItsNetwork() {
    for (int i = 0; i < 5; i++) assertThat(limiter.tryAcquire("2001:db8:1:2::" + Integer.toHexString(i + 1))).isZero();
    assertThat(limiter.tryAcquire("2001:db8:1:2:ffff::9")).isPositive();
    assertThat(limiter.tryAcquire("2001:db8:1:3::1")).as("another /64").isZero();
    assertThat(LoginLimiter.bucketOf("10.1.2.3")).isEqualTo("10.1.2.3");
    assertThat(LoginLimiter.bucketOf("2001:db8:1:2::1")).isEqualTo("20010db800010002::/64");
  }

  @Test
  void aSuccessfulLoginRefillsItsAddress() {
    for (int i = 0; i < 4; i++) limiter.tryAcquire("10.0.0.1");
    limiter.succeeded("10.0.0.1");
    for (int i = 0; i < 5; i++) assertThat(limiter.tryAcquire("10.0.0.1")).isZero();
  }

  @Test
  void memoryIsBoundedToTheMostRecentAddresses() {
    for (int i = 0; i < 1_000; i++) limiter.tryAcquire("10.0." + (i / 256) + "." + (i % 256));
    assertThat(limiter.size()).isEqualTo(100);
  }
}
