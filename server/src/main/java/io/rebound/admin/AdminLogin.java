package io.rebound.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Logging in to the admin page: the password against {@code admin_password}, with attempts limited
 * per remote address ({@link LoginLimiter}), and a session token ({@link AdminTokens}) for a right
 * password. The comparison takes the same time whatever the guess (both sides are hashed first, so
 * not even the length leaks). Thread-safe.
 */
final class AdminLogin {

  private final byte[] passwordHash;
  private final LoginLimiter limiter;
  private final AdminTokens tokens;

  AdminLogin(String password, LoginLimiter limiter, AdminTokens tokens) {
    this.passwordHash = sha256(password);
    this.limiter = limiter;
    this.tokens = tokens;
  }

  /** The outcome of one attempt. */
  sealed interface Outcome permits LoggedIn, WrongPassword, TooManyAttempts {}

  /** The password was right: here is the session. */
  record LoggedIn(AdminTokens.Issued session) implements Outcome {}

  /** The password was wrong. */
  record WrongPassword() implements Outcome {}

  /** This address has used up its attempts; it may try again in {@code retryAfterSeconds}. */
  record TooManyAttempts(long retryAfterSeconds) implements Outcome {}

  /** One login attempt with {@code password} from {@code remoteAddress}. */
  Outcome attempt(String remoteAddress, String password) {
    long wait = limiter.tryAcquire(remoteAddress);
    if (wait > 0) return new TooManyAttempts(wait);
    if (password == null || !MessageDigest.isEqual(passwordHash, sha256(password))) return new WrongPassword();
    limiter.succeeded(remoteAddress);
    return new LoggedIn(tokens.issue());
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
