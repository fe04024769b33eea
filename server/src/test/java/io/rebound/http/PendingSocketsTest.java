package io.rebound.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Who loses their place when the node is over {@code http_max_pending_connections}: the longest-waiting
 * sockets of the loop, never the newcomer, and — since a reconnect storm was shed by its own cap —
 * never one that has waited less than the grace. The clock is the test's.
 */
class PendingSocketsTest {

  private static final int CAP = 4;

  private final AtomicLong nanos = new AtomicLong();
  private final PendingCap limits = new PendingCap(CAP);
  private final PendingSockets pending = new PendingSockets(limits, nanos::get);
  private final List<Socket> closed = new ArrayList<>();

  private final class Socket implements PendingSockets.Waiter {
    final int n;

    Socket(int n) {
      this.n = n;
    }

    @Override
    public void close(String why) {
      closed.add(this);
    }

    @Override
    public String toString() {
      return "socket " + n;
    }
  }

  /** A socket accepted at {@code millis}: it starts waiting, then makes room as a newcomer does. */
  private Socket arrive(int n, long millis) {
    nanos.set(Duration.ofMillis(millis).toNanos());
    Socket s = new Socket(n);
    pending.enter(s);
    pending.evictOverCap(s);
    return s;
  }

  @Test
  void aBurstWithinTheGraceIsNotShedThoughItIsOverTheCap() {
    // Before the grace, each arrival beyond the cap closed the oldest: sockets 1 to 6 of 10.
    for (int i = 1; i <= 10; i++) arrive(i, i * 10L);
    assertThat(closed).isEmpty();
    assertThat(limits.pending()).isEqualTo(10);
  }

  @Test
  void socketsOlderThanTheGraceMakeRoomForANewcomer() {
    List<Socket> early = new ArrayList<>();
    for (int i = 1; i <= 6; i++) early.add(arrive(i, i));
    Socket late = arrive(7, 500); // within the grace of all: nobody closed
    assertThat(closed).isEmpty();

    Socket newcomer = arrive(8, PendingSockets.GRACE.toMillis() + 2); // sockets 1 and 2 have waited the grace
    assertThat(closed).containsExactly(early.get(0), early.get(1));
    assertThat(limits.pending()).as("still over the cap: the others are younger than the grace").isEqualTo(6);

    arrive(9, PendingSockets.GRACE.toMillis() + 501); // 3 to 6 and 7 are old enough now; down to the cap
    assertThat(closed).containsExactly(early.get(0), early.get(1), early.get(2), early.get(3), early.get(4));
    assertThat(closed).doesNotContain(late, newcomer);
    assertThat(limits.pending()).isEqualTo(CAP);
  }

  @Test
  void aSocketThatSentItsRequestNoLongerCounts() {
    List<Socket> sockets = new ArrayList<>();
    for (int i = 1; i <= CAP; i++) sockets.add(arrive(i, 0));
    sockets.forEach(pending::leave);
    assertThat(limits.pending()).isZero();
    arrive(CAP + 1, PendingSockets.GRACE.toMillis() * 10);
    assertThat(closed).isEmpty();
  }
}
