package io.rebound.edge.session;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Node-wide connection counters shared by every edge: total connections and connections per user,
 * so {@code client_connection_limit} and {@code client_user_connection_limit} protect the node.
 */
public final class ConnectionLimits {
  private final int maxConnections;
  private final int maxPerUser;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> perUser = new ConcurrentHashMap<>();

  public ConnectionLimits(int maxConnections, int maxPerUser) {
    this.maxConnections = maxConnections;
    this.maxPerUser = maxPerUser;
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
