package io.rebound.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * The optional audience and issuer checks of one token configuration ({@code token_audience},
 * {@code token_audience_regex}, {@code token_issuer}, {@code token_issuer_regex}). Unset rules
 * check nothing. An exact audience must be one of the token's {@code aud} values (a string or an
 * array of strings, RFC 7519 §4.1.3); an audience regex must match one of them <em>whole</em>; an
 * issuer or issuer regex must match {@code iss} the same way. Immutable and thread-safe.
 *
 * <p>Regexes match the whole value, where Centrifugo's Go regexes match anywhere unless anchored:
 * an unanchored {@code https://idp.example.com/realms/.+} there also admits an issuer that merely
 * contains it. Go's {@code (?P<name>...)} group syntax is accepted and read as Java's {@code (?<name>...)}.
 */
record ClaimRules(String audience, Pattern audienceRegex, String issuer, Pattern issuerRegex) {

  static final ClaimRules NONE = new ClaimRules(null, null, null, null);

  /**
   * Longer claims are not matched against a regex: Java regexes backtrack, and a careless pattern
   * on a long attacker-chosen string could hold an event loop for seconds.
   */
  static final int MAX_MATCHED_LENGTH = 1024;

  /** Compiles a Centrifugo (Go syntax) regex; IllegalArgumentException when Java cannot read it. */
  static Pattern compile(String goRegex) {
    return Pattern.compile(goRegex.replace("(?P<", "(?<"));
  }

  void check(JsonNode claims) throws TokenException {
    if (audience != null || audienceRegex != null) {
      JsonNode aud = claims.get("aud");
      if (aud == null || aud.isNull()) throw TokenClaims.invalid("token has no aud, and an audience is required");
      if (!audienceMatches(aud)) throw TokenClaims.invalid("invalid audience");
    }
    if (issuer != null || issuerRegex != null) {
      JsonNode iss = claims.get("iss");
      if (iss == null || !iss.isTextual()) throw TokenClaims.invalid("token has no iss string, and an issuer is required");
      boolean ok = issuer != null ? issuer.equals(iss.textValue()) : matchesWhole(issuerRegex, iss.textValue());
      if (!ok) throw TokenClaims.invalid("invalid issuer");
    }
  }

  private boolean audienceMatches(JsonNode aud) throws TokenException {
    if (aud.isTextual()) return audienceMatches(aud.textValue());
    if (!aud.isArray()) throw TokenClaims.invalid("aud claim must be a string or an array of strings");
    for (JsonNode one : aud) {
      if (!one.isTextual()) throw TokenClaims.invalid("aud claim must be a string or an array of strings");
      if (audienceMatches(one.textValue())) return true;
    }
    return false;
  }

  private boolean audienceMatches(String value) {
    return audience != null ? audience.equals(value) : matchesWhole(audienceRegex, value);
  }

  private static boolean matchesWhole(Pattern pattern, String value) {
    return value.length() <= MAX_MATCHED_LENGTH && pattern.matcher(value).matches();
  }
}
