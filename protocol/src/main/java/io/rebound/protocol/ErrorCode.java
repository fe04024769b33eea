package io.rebound.protocol;

/**
 * Reply error codes of the Centrifugo client protocol and server API (centrifuge errors.go). The JS
 * SDK retries only temporary errors (and 109), so the flag is part of the contract.
 */
public enum ErrorCode {
  INTERNAL(100, "internal server error", true),
  UNAUTHORIZED(101, "unauthorized", false),
  UNKNOWN_CHANNEL(102, "unknown channel", false),
  PERMISSION_DENIED(103, "permission denied", false),
  METHOD_NOT_FOUND(104, "method not found", false),
  ALREADY_SUBSCRIBED(105, "already subscribed", false),
  LIMIT_EXCEEDED(106, "limit exceeded", false),
  BAD_REQUEST(107, "bad request", false),
  NOT_AVAILABLE(108, "not available", false),
  TOKEN_EXPIRED(109, "token expired", false),
  EXPIRED(110, "expired", false),
  TOO_MANY_REQUESTS(111, "too many requests", true),
  UNRECOVERABLE_POSITION(112, "unrecoverable position", false);

  public final int code;
  public final String message;
  public final boolean temporary;

  ErrorCode(int code, String message, boolean temporary) {
    this.code = code;
    this.message = message;
    this.temporary = temporary;
  }

  public ProtocolException exception() {
    return new ProtocolException(this, message);
  }

  public ProtocolException exception(String detail) {
    return new ProtocolException(this, detail);
  }

  public static ErrorCode ofCode(int code) {
    for (ErrorCode c : values()) if (c.code == code) return c;
    return INTERNAL;
  }
}
