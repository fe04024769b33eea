package io.rebound.edge.session;

import io.rebound.http.PendingCount;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Node-wide connection counters shared by every edge: total connections and connections per user,
 * so {@code client_connection_limit} and {@code client_user_connection_limit} protect the node; and
 * the sockets that wait for a request ({@code http_max_pending_connections}, counted by the edges'
 * {@code PendingSockets}).
 */
public final class ConnectionLimits implements PendingCount {
  private final int maxConnections;
  private final int maxPerUser;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
  private final int maxPending;
  private final AtomicInteger pending = new AtomicInteger();

  /** Limits without a cap on pending sockets. */
  public ConnectionLimits(int maxConnections, int maxPerUser) {
    this(maxConnections, maxPerUser, 0);
  }

  /** {@code maxPending}: {@code http_max_pending_connections}, 0 = unlimited. */
  public ConnectionLimits(int maxConnections, int maxPerUser, int maxPending) {
    this.maxConnections = maxConnections;
    this.maxPerUser = maxPerUser;
    this.maxPending = maxPending;
  }

  /** A socket of the node began waiting for a request. */
  @Override
  public void pendingOpened() {
    pending.incrementAndGet();
  }

  /** A socket stopped waiting for a request (it sent one, upgraded, or closed). */
  @Override
  public void pendingClosed() {
    pending.decrementAndGet();
  }

  /** Whether more sockets of the node wait for a request than {@code http_max_pending_connections} allows. */
  @Override
  public boolean pendingOverCap() {
    return maxPending > 0 && pending.get() > maxPending;
  }

  /** The sockets of the node waiting for a request now. */
  public int pending() {
    return pending.get();
  }

  /** Reserves a connection slot; false when the node is full. */
  public boolean tryOpen() {
    if (total.incrementAndGet() <= maxConnections || maxConnections <= 0) return true;
    total.decrementAndGet();
    return false;
  }

  public void closed() {
    total.decrementAndGet();
  }

  /** Reserves a slot for {@code user}; false when that user has too many connections on this node. */
  boolean tryUser(String user) {
    if (maxPerUser <= 0 || user.isEmpty()) return true;
    AtomicInteger n = perUser.computeIfAbsent(user, u -> new AtomicInteger());
    if (n.incrementAndGet() <= maxPerUser) return true;
    n.decrementAndGet();
    return false;
  }

  void userClosed(String user) {
    if (maxPerUser <= 0 || user.isEmpty()) return;
    perUser.computeIfPresent(user, (u, n) -> n.decrementAndGet() <= 0 ? null : n);
  }
}
