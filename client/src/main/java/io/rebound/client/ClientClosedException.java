package io.rebound.client;

/**
 * A command cannot complete because the client stopped: {@code disconnect()} was called, the server closed the
 * connection for good, or the client gave up reconnecting. A publish that failed this way may or may not have been
 * applied by the server.
 */
public final class ClientClosedException extends RuntimeException {

  private final int code;

  public ClientClosedException(int code, String reason) {
    super("client closed (" + code + "): " + reason);
    this.code = code;
  }

  public int code() {
    return code;
  }
}
