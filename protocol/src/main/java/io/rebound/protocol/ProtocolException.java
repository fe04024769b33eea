package io.rebound.protocol;

/**
 * A command failed with a protocol error code. The message is what the client sees; keep it short and
 * free of internals. Stack traces are not filled: these are expected outcomes, not bugs.
 */
public final class ProtocolException extends RuntimeException {
  private final ErrorCode error;

  public ProtocolException(ErrorCode error, String message) {
    super(message, null, false, false);
    this.error = error;
  }

  public ErrorCode error() {
    return error;
  }

  public int code() {
    return error.code;
  }
}
