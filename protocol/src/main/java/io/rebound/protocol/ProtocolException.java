package io.rebound.protocol;

/**
 * A command failed with a protocol error code. The message is what the client sees; keep it short and
 * free of internals. Stack traces are not filled: these are expected outcomes, not bugs.
 *
 * <p>Most errors are one of the protocol's own {@link ErrorCode}s; an application backend (proxy
 * hooks) may answer with a code of its own (Centrifugo reserves 400–1999 for them), which reaches
 * the client as given, with its own {@code temporary} flag. {@link #error()} is then the nearest
 * protocol code ({@link ErrorCode#ofCode}), for the server's own decisions.
 */
public final class ProtocolException extends RuntimeException {
  private final ErrorCode error;
  private final int code;
  private final boolean temporary;

  public ProtocolException(ErrorCode error, String message) {
    super(message, null, false, false);
    this.error = error;
    this.code = error.code;
    this.temporary = error.temporary;
  }

  /** An application's error: {@code code}, {@code message} and {@code temporary} reach the client as given. */
  public ProtocolException(int code, String message, boolean temporary) {
    super(message, null, false, false);
    this.error = ErrorCode.ofCode(code);
    this.code = code;
    this.temporary = temporary;
  }

  public ErrorCode error() {
    return error;
  }

  /** The code the client sees. */
  public int code() {
    return code;
  }

  /** Whether the client may retry (the JS SDK resubscribes / reconnects on temporary errors). */
  public boolean temporary() {
    return temporary;
  }
}
