package io.rebound.edge;

import io.rebound.edge.session.ConnectionLimits;
import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * The sockets of one event loop that wait for a request: new ones that have not completed their
 * first request or WebSocket handshake, and kept-alive ones between requests. Counted node-wide in
 * {@link ConnectionLimits} against {@code http_max_pending_connections}; while the node is over it,
 * a new socket closes this loop's longest-waiting ones, so sockets that never finish a request can
 * never lock new clients out — they lose their place to them. A new socket is never closed for the
 * cap: when its loop has no older one to close, the node stays over the cap (by at most one socket
 * per event loop) until the next arrival there or a deadline.
 *
 * <p>Confined to its event loop (one per edge); only the count is shared.
 */
final class PendingSockets {

  private final ConnectionLimits node;
  private final LinkedHashSet<HttpDeadlines> waiting = new LinkedHashSet<>(); // oldest first

  PendingSockets(ConnectionLimits node) {
    this.node = node;
  }

  /** {@code socket} now waits for a request; it becomes the newest. */
  void enter(HttpDeadlines socket) {
    if (waiting.remove(socket)) node.pendingClosed();
    waiting.add(socket);
    node.pendingOpened();
  }

  /** {@code socket} no longer waits (its request arrived, it upgraded or closed); nothing if it did not. */
  void leave(HttpDeadlines socket) {
    if (waiting.remove(socket)) node.pendingClosed();
  }

  /** Closes this loop's longest-waiting sockets, never {@code newcomer}, while the node is over its cap. */
  void evictOverCap(HttpDeadlines newcomer) {
    while (node.pendingOverCap()) {
      Iterator<HttpDeadlines> oldest = waiting.iterator();
      if (!oldest.hasNext()) return;
      HttpDeadlines socket = oldest.next();
      if (socket == newcomer) return;
      oldest.remove();
      node.pendingClosed();
      socket.close("too_many_pending");
    }
  }
}
