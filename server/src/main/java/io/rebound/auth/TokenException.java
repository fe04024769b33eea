package io.rebound.auth;

/** A token that was not accepted, and whether a fresh token (or a retry) could fix it. */
public final class TokenException extends Exception {

  /** Why the token was refused. */
  public enum Kind {
    /** Correctly signed but past its {@code exp}: the client should fetch a new token (error 109). */
    EXPIRED,
    /**
     * Anything else wrong with the token: bad signature, an algorithm that is not configured,
     * encoding, claims, {@code nbf}, audience or issuer (connect: close 3500; subscribe: error 103).
     */
    INVALID,
    /**
     * The token may well be good, but the key that checks it could not be had now: its {@code kid}
     * is not in the cached JWKS key set and the endpoint is down, slow, or answered garbage. Not
     * the client's fault: answer with a temporary error so the client retries later.
     */
    UNAVAILABLE
  }

  private final Kind kind;

  public TokenException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
