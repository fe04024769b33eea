package io.rebound.http;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The sockets of one event loop that wait for a request: new ones that have not completed their
 * first request or WebSocket handshake, and kept-alive ones between requests. Counted node-wide in
 * a {@link PendingCount} against {@code http_max_pending_connections}; while the listener is over it,
 * a new socket closes this loop's longest-waiting ones, so sockets that never finish a request can
 * never lock new clients out — they lose their place to them. A new socket is never closed for the
 * cap: when its loop has no older one to close, the node stays over the cap (by at most one socket
 * per event loop) until the next arrival there or a deadline.
 *
 * <p>Only a socket that has waited at least {@link #GRACE} loses its place. In a reconnect storm (a
 * balancer reload cuts every connection at once) sockets wait seconds for their first request while
 * every loop, and the balancer in front, works through the others: closing the oldest of them for
 * the cap made every client start over, again and again (a 15,000-connection reload: 129,660 sockets
 * closed for the cap, 10.6 attempts per client, full recovery p50 33 s; with a grace of 1 s still
 * 51,950 and 23 s; with 5 s none, 2 attempts per client and 9.2 s — loadtest/README.md, "Pending
 * sockets in a reconnect storm"). Half the default {@code http_header_timeout}: a socket that holds
 * its place without sending a request is still closed for a newcomer after 5 s, or by its deadline.
 * The cost: a burst of new sockets may exceed the cap by what arrives within the grace, for the
 * grace.
 *
 * <p>Confined to its event loop (one per edge); only the count is shared.
 */
public final class PendingSockets {

  /** How long a waiting socket keeps its place however far the node is over its cap. */
  static final Duration GRACE = Duration.ofSeconds(5);

  /** A socket that waits for a request ({@link HttpDeadlines}). */
  interface Waiter {
    /** Closes the socket: newer ones need its place. */
    void close(String why);
  }

  private final PendingCount node;
  private final LongSupplier nanoTime;
  private final Map<Waiter, Long> waiting = new LinkedHashMap<>(); // → System.nanoTime() it began waiting; oldest first

  public PendingSockets(PendingCount node) {
    this(node, System::nanoTime);
  }

  /** With a clock of its own (tests). */
  PendingSockets(PendingCount node, LongSupplier nanoTime) {
    this.node = node;
    this.nanoTime = nanoTime;
  }

  /** {@code socket} now waits for a request; it becomes the newest. */
  void enter(Waiter socket) {
    if (waiting.remove(socket) != null) node.pendingClosed();
    waiting.put(socket, nanoTime.getAsLong());
    node.pendingOpened();
  }

  /** {@code socket} no longer waits (its request arrived, it upgraded or closed); nothing if it did not. */
  void leave(Waiter socket) {
    if (waiting.remove(socket) != null) node.pendingClosed();
  }

  /**
   * Closes this loop's longest-waiting sockets, never {@code newcomer} nor one that has waited less
   * than the grace, while the node is over its cap.
   */
  void evictOverCap(Waiter newcomer) {
    long now = nanoTime.getAsLong();
    while (node.pendingOverCap()) {
      Iterator<Map.Entry<Waiter, Long>> oldest = waiting.entrySet().iterator();
      if (!oldest.hasNext()) return;
      Map.Entry<Waiter, Long> entry = oldest.next();
      Waiter socket = entry.getKey();
      if (socket == newcomer || now - entry.getValue() < GRACE.toNanos()) return; // the others are younger still
      oldest.remove();
      node.pendingClosed();
      socket.close("too_many_pending");
    }
  }
}
