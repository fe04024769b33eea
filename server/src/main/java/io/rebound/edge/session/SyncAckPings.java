package io.rebound.edge.session;

import io.vertx.core.Vertx;
import java.util.ArrayDeque;

/**
 * The acknowledgement pings of one edge: a session that wrote publications of a {@code user_sync} channel asks for a
 * ping within {@code client_sync_ack_delay} ({@link Keepalive#syncDelivered}), so the client's pong stores the user's
 * position while the user is still there — not only at the next regular ping, 25 s later, after which a page reload
 * would get the same publications again from the sync.
 *
 * <p>Coalesced: a session waits here at most once, however many publications it wrote meanwhile, and every session
 * waits the same delay, so the queue is in due order and one timer per edge (not per connection) serves them all.
 * Memory is bounded by the edge's sessions. Confined to the edge's event loop; the timer fires there too (it is set
 * from the loop).
 */
final class SyncAckPings {

  private final Vertx vertx;
  private final ArrayDeque<Keepalive> due = new ArrayDeque<>();
  private long timer = -1;

  SyncAckPings(Vertx vertx) {
    this.vertx = vertx;
  }

  /** {@code keepalive} pings at {@code at} (its {@link Keepalive#ackPingAt()}), after every session queued before it. */
  void add(Keepalive keepalive, long now) {
    due.addLast(keepalive);
    if (timer < 0) schedule(keepalive.ackPingAt() - now);
  }

  /** Sessions waiting for their acknowledgement ping (for tests and stats). */
  int waiting() {
    return due.size();
  }

  private void schedule(long delayMs) {
    timer = vertx.setTimer(Math.max(1, delayMs), id -> fire());
  }

  private void fire() {
    timer = -1;
    long now = System.currentTimeMillis();
    while (!due.isEmpty() && due.peekFirst().ackPingAt() <= now) due.pollFirst().ackPingDue(now);
    if (!due.isEmpty()) schedule(due.peekFirst().ackPingAt() - now);
  }
}
