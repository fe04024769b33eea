package io.rebound.codec;

/**
 * A message the connection's wire format cannot carry: a payload that is not JSON, bound for a JSON
 * connection. The session closes such a connection with 3506 (inappropriate protocol), as
 * Centrifugo does: the channel mixes binary publishers with JSON subscribers, a programming error
 * the client cannot work around by reconnecting.
 */
public final class UnencodableException extends RuntimeException {
  public UnencodableException(String message) {
    super(message, null, false, false);
  }
}
