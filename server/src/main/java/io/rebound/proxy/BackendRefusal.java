package io.rebound.proxy;

import io.rebound.protocol.Disconnect;
import io.rebound.protocol.ProtocolException;

/**
 * The backend answered, and said no: with an {@code error} for the client's command (its code,
 * message and {@code temporary} flag reach the client as given), or a {@code disconnect} that
 * closes the connection with the backend's code and reason. Exactly one of the two is set.
 */
public final class BackendRefusal extends RuntimeException {

  private final ProtocolException error;
  private final Disconnect disconnect;

  BackendRefusal(ProtocolException error, Disconnect disconnect) {
    super(error != null ? error.getMessage() : disconnect.reason(), null, false, false);
    this.error = error;
    this.disconnect = disconnect;
  }

  /** The error for the client's command, or null when the backend disconnects the client. */
  public ProtocolException error() {
    return error;
  }

  /** The disconnect, or null when the backend answered with an error. */
  public Disconnect disconnect() {
    return disconnect;
  }
}
