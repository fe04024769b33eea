package io.rebound.edge.http;

import io.rebound.codec.WireCodec;
import io.rebound.edge.transport.Transport;

/**
 * The edge as the HTTP connection endpoints see it: whether it takes connections, and a session
 * for each one it takes. Called on the edge's event loop.
 */
public interface SessionOpener {

  /** False while the node drains (new connections belong on another node). */
  boolean accepting();

  /**
   * Opens a session in {@code codec}'s format on {@code transport} and binds the transport to it;
   * false when the node's connection limit refuses the connection (nothing was opened).
   */
  boolean open(Transport transport, WireCodec codec);
}
