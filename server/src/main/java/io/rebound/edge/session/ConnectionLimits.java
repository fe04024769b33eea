package io.rebound.edge.session;

import io.rebound.http.PendingCap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Node-wide connection counters shared by every edge: total connections and connections per user,
 * so {@code client_connection_limit} and {@code client_user_connection_limit} protect the node; and
 * the sockets that wait for a request ({@code http_max_pending_connections}, counted by the edges'
 * {@code PendingSockets}).
 */
public final class ConnectionLimits {
  private final int maxConnections;
  private final int maxPerUser;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
  private final PendingCap pending;

  /** Limits without a cap on pending sockets. */
  public ConnectionLimits(int maxConnections, int maxPerUser) {
    this(maxConnections, maxPerUser, 0);
  }

  /** {@code maxPending}: {@code http_max_pending_connections}, 0 = unlimited. */
  public ConnectionLimits(int maxConnections, int maxPerUser, int maxPending) {
    this.maxConnections = maxConnections;
    this.maxPerUser = maxPerUser;
    this.pending = new PendingCap(maxPending);
  }

  /** The node's sockets waiting for a request, against {@code http_max_pending_connections} (every edge's {@code PendingSockets}). */
  public PendingCap pendingSockets() {
    return pending;
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
