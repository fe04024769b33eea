package io.rebound.auth;

/** A token that was not accepted, and whether a fresh token could fix it. */
public final class TokenException extends Exception {

  /** Why the token was refused. */
  public enum Kind {
    /** Correctly signed but past its {@code exp}: the client should fetch a new token (error 109). */
    EXPIRED,
    /** Anything else: bad signature, algorithm, encoding, claims or {@code nbf}. */
    INVALID
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
