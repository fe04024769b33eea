package io.rebound.codec;

/** A client frame that is not well-formed in its wire format; the connection is closed with 3501 (bad request). */
public final class BadFrameException extends RuntimeException {
  public BadFrameException(String message) {
    super(message, null, false, false);
  }
}
