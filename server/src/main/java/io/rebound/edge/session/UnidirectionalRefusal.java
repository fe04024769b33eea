package io.rebound.edge.session;

import io.rebound.protocol.Disconnect;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;

/**
 * What a unidirectional client is told instead of an error reply: it sends no commands after its
 * connect request and reads no replies, so an error ends the connection with the disconnect
 * Centrifugo maps it to (an expired token → 3005, so the client fetches a new one and reconnects;
 * too many requests → 3013; permission denied → 3507; anything else → 3004).
 */
final class UnidirectionalRefusal {
  private UnidirectionalRefusal() {}

  static Disconnect disconnectFor(ProtocolException e) {
    ErrorCode code = e.error();
    if (code == ErrorCode.TOKEN_EXPIRED || code == ErrorCode.EXPIRED) return Disconnect.EXPIRED;
    if (code == ErrorCode.TOO_MANY_REQUESTS) return Disconnect.TOO_MANY_REQUESTS;
    if (code == ErrorCode.PERMISSION_DENIED) return Disconnect.PERMISSION_DENIED;
    return Disconnect.INTERNAL;
  }
}
