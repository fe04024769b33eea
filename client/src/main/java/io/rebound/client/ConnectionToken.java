package io.rebound.client;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * The connection token: the static one from the options, or the latest one from the supplier. It also decides when the
 * supplier must be asked again: when there is no token, or after the server said the token expired (109). Confined to
 * the client's context.
 */
final class ConnectionToken {

  private final Supplier<Future<String>> supplier;
  private String token;
  /** The server said the token expired: the next connect needs a new one. */
  private boolean expired;

  ConnectionToken(String token, Supplier<Future<String>> supplier) {
    this.token = token;
    this.supplier = supplier;
  }

  /** The token to send, or null. */
  String current() {
    return token;
  }

  boolean hasSupplier() {
    return supplier != null;
  }

  /** Whether the next connect must first ask the supplier. */
  boolean mustFetch() {
    return supplier != null && (token == null || expired);
  }

  /** Asks the supplier (which may throw instead of failing its future). Only when {@link #hasSupplier()}. */
  Future<String> fetch() {
    try {
      return supplier.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** From now on connects (and the refresh being sent) carry {@code newToken}. */
  void use(String newToken) {
    token = newToken;
    expired = false;
  }

  /** The server said the token expired (109). */
  void expired() {
    expired = true;
  }
}
