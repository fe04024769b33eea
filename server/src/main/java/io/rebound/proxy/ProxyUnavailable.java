package io.rebound.proxy;

/**
 * The backend gave no usable answer: down, slow past the hook's timeout, a non-200 status, a body
 * that is not the documented JSON, or this node's call line full. Never the client's fault: it gets
 * a temporary error (100) that the SDK retries.
 */
public final class ProxyUnavailable extends RuntimeException {

  /** The failure's kind, as counted in the metrics ({@code outcome} tag). */
  public enum Kind { TIMEOUT, UNREACHABLE, STATUS, INVALID, OVERLOADED }

  private final Kind kind;

  ProxyUnavailable(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
