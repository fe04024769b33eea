package io.rebound.client;

/** The server answered a command with an error ({@code {"error":{"code","message","temporary"}}}). */
public final class ReplyException extends RuntimeException {

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
}
