package io.rebound.http;

/**
 * How many sockets of a listener wait for a request, against its cap ({@code
 * http_max_pending_connections}): shared by the {@link PendingSockets} of every event loop that
 * serves the listener. Thread-safe.
 */
public interface PendingCount {

  /** A socket began waiting for a request. */
  void pendingOpened();

  /** A socket stopped waiting for a request (it sent one, upgraded, or closed). */
  void pendingClosed();

  /** Whether more sockets wait than the cap allows (never, with no cap). */
  boolean pendingOverCap();
}
