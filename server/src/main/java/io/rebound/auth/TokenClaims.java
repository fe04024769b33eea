package io.rebound.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.auth.TokenException.Kind;

/**
 * Typed reads of JWT claims with the validity rules shared by connection and subscription tokens.
 *
 * <p>NumericDates ({@code exp}, {@code nbf}, {@code iat}, and Centrifugo's {@code expire_at}) must
 * be whole numbers of seconds between 0 and {@link #MAX_NUMERIC_DATE}. A value outside that range
 * is not a date a backend meant — {@code exp: 1e30}, or 2^63-1 written by JavaScript as
 * 9223372036854776000 — and reading it as a long would saturate or wrap, turning "never" into
 * "expired in 1970" or an expiry whose arithmetic overflows later; such tokens are refused as
 * invalid instead. Every accepted date plus any grace period fits a long with room to spare.
 */
final class TokenClaims {

  /** 9999-12-31T23:59:59Z, the last second of four-digit years. */
  static final long MAX_NUMERIC_DATE = 253_402_300_799L;

  private TokenClaims() {}

  /**
   * Checks the registered date claims against {@code now}: {@code exp} passed (now >= exp, no
   * leeway) is EXPIRED; {@code nbf} in the future or a malformed date is INVALID.
   */
  static void checkTimes(JsonNode claims, long now) throws TokenException {
    Long exp = numericDate(claims, "exp");
    Long nbf = numericDate(claims, "nbf");
    numericDate(claims, "iat"); // informational, but a malformed one is still a malformed token
    // "exp": 0 is a token that expired in 1970, not one that never expires.
    if (exp != null && now >= exp) throw new TokenException(Kind.EXPIRED, "token expired");
    if (nbf != null && now < nbf) throw invalid("token not valid yet");
  }

  /** A NumericDate claim in whole seconds, null when absent or null. */
  static Long numericDate(JsonNode claims, String name) throws TokenException {
    JsonNode v = claims.get(name);
    return v == null || v.isNull() ? null : wholeSeconds(v, name, 0);
  }

  /**
   * When the credentials expire, epoch seconds, 0 = never (PROTOCOL.md §6.2): {@code expire_at} > 0
   * wins, {@code expire_at} 0 (or, as in Centrifugo, negative) means never, else {@code exp}.
   */
  static long expiresAt(JsonNode claims) throws TokenException {
    JsonNode expireAt = claims.get("expire_at");
    if (expireAt != null && !expireAt.isNull()) return Math.max(0, wholeSeconds(expireAt, "expire_at", -MAX_NUMERIC_DATE));
    Long exp = numericDate(claims, "exp");
    return exp == null ? 0 : exp;
  }

  /** {@code v} as a whole number of seconds in [min, MAX_NUMERIC_DATE]; INVALID otherwise. */
  private static long wholeSeconds(JsonNode v, String name, long min) throws TokenException {
    if (!v.isNumber()) throw invalid(name + " claim must be a number");
    if (v.isIntegralNumber()) {
      // canConvertToLong first: longValue() of a BigInteger keeps only its low 64 bits.
      if (v.canConvertToLong() && v.longValue() >= min && v.longValue() <= MAX_NUMERIC_DATE) return v.longValue();
      throw invalid(name + " claim is out of range");
    }
    double d = v.doubleValue();
    // 1.7e9 is a whole number written as a float; 1700000000.5 is not.
    if (d != Math.rint(d)) throw invalid(name + " claim must be a whole number of seconds");
    if (d < min || d > MAX_NUMERIC_DATE) throw invalid(name + " claim is out of range");
    return (long) d;
  }

  static String text(JsonNode claims, String name, String absent) throws TokenException {
    JsonNode v = claims.get(name);
    if (v == null || v.isNull()) return absent;
    if (!v.isTextual()) throw invalid(name + " claim must be a string");
    return v.textValue();
  }

  /** The claim as compact JSON text, or null when absent. */
  static String raw(JsonNode claims, String name) {
    JsonNode v = claims.get(name);
    return v == null || v.isNull() ? null : v.toString();
  }

  static TokenException invalid(String why) {
    return new TokenException(Kind.INVALID, why);
  }
}
