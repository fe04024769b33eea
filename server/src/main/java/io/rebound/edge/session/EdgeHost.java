package io.rebound.edge.session;

import io.rebound.edge.transport.FlushScheduler;
import io.rebound.engine.Broadcaster;
import io.vertx.core.Context;

/**
 * The edge a session lives on, as the session sees it: its event loop, the channel hub, the flush
 * scheduler, the broadcaster, and the node's registry of resumable sessions. Everything but the
 * registry is confined to {@link #context()}; sessions call it only from there.
 */
public interface EdgeHost {

  /** The event loop this edge and its sessions are confined to. */
  Context context();

  FlushScheduler flusher();

  Broadcaster broadcaster();

  /** {@code session} receives {@code channel}'s publications from now on. */
  void subscribe(String channel, ClientSession session);

  void unsubscribe(String channel, ClientSession session);

  /** A positioned subscriber of {@code channel} is at (offset, epoch): seeds the channel's ordering baseline. */
  void position(String channel, String epoch, long offset);

  /** The session completed its connect: it is reachable by user from now on (server API). */
  void connected(ClientSession session);

  /** The session is gone from this edge; {@code wasConnected} when {@link #connected} ran for it. */
  void released(ClientSession session, boolean wasConnected);

  /** The resumable session with this id on this node (any edge), or null. Thread-safe. */
  ClientSession resumable(String sessionId);

  /** Thread-safe. */
  void addResumable(String sessionId, ClientSession session);

  /** Thread-safe; removes only if {@code session} is still the one registered. */
  void removeResumable(String sessionId, ClientSession session);
}
