package io.rebound.client;

import io.rebound.protocol.ErrorCode;

/** The server answered a command with an error ({@code {"error":{"code","message","temporary"}}}). */
public final class ReplyException extends RuntimeException {

  /** Codes below this are the client's own (centrifuge-js); the server's start here ({@link ErrorCode#INTERNAL}). */
  private static final int FIRST_SERVER_CODE = 100;

  private final int code;
  private final boolean temporary;

  public ReplyException(int code, String message, boolean temporary) {
    super(code + ": " + message);
    this.code = code;
    this.temporary = temporary;
  }

  /** The protocol error code (100 internal, 102 unknown channel, 103 permission denied, 109 token expired, …). */
  public int code() {
    return code;
  }

  /** The server says a retry may succeed. */
  public boolean temporary() {
    return temporary;
  }

  /**
   * Whether the command may be retried: the error is temporary (the server sets the flag from its {@link ErrorCode}
   * table) or client-local ({@code code < 100}). This is the rule of every Centrifugo SDK (PROTOCOL.md §8).
   */
  boolean retryable() {
    return code < FIRST_SERVER_CODE || temporary;
  }

  /** 109: the connection or subscription token expired; a new one may succeed. */
  boolean tokenExpired() {
    return code == ErrorCode.TOKEN_EXPIRED.code;
  }
}
