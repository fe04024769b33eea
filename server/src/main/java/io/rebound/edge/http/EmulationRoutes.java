package io.rebound.edge.http;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's emulated connections by the session id their connect reply named, so that a {@code
 * POST /emulation} (which may arrive on any event loop, or on another node and travel here over the
 * event bus) reaches the stream whose session the client addresses; and this node's id in the
 * {@code node} field of those replies. One per node; thread-safe.
 */
public final class EmulationRoutes {

  private final String nodeId = UUID.randomUUID().toString();
  private final ConcurrentHashMap<String, ResponseStream> streams = new ConcurrentHashMap<>();

  /**
   * This node's id as emulated clients send it back: unique per node process (names may repeat),
   * and part of the event-bus address other nodes forward its requests to.
   */
  public String nodeId() {
    return nodeId;
  }

  /** From now on requests for {@code session} go to {@code stream} (a resumed session's new stream replaces its old one). */
  void register(String session, ResponseStream stream) {
    streams.put(session, stream);
  }

  /** {@code session} no longer reaches {@code stream}, unless it was registered to another stream since. */
  void unregister(String session, ResponseStream stream) {
    streams.remove(session, stream);
  }

  /** The stream of {@code session}, or null when this node has none open. */
  ResponseStream stream(String session) {
    return session == null ? null : streams.get(session);
  }

  /** Emulated connections open on this node (for tests and logs). */
  int size() {
    return streams.size();
  }
}
