package io.rebound.auth;

import java.net.URI;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How tokens of one kind (connection, or subscription with {@code separate_subscription_token_config})
 * are checked, as Centrifugo v5 configures it; each component is the config option without its
 * {@code token_} / {@code subscription_token_} prefix. Empty means unset. Plain data: {@link
 * #validate()} says whether it can be used.
 *
 * @param hmacSecretKey {@code hmac_secret_key}: HS256/384/512
 * @param rsaPublicKey {@code rsa_public_key}: PEM, RS256/384/512
 * @param ecdsaPublicKey {@code ecdsa_public_key}: PEM, ES256/384/512 (the algorithm of the key's curve)
 * @param jwksPublicEndpoint {@code jwks_public_endpoint}: http(s) URL of a JWKS document; RSA and EC keys picked by {@code kid}
 * @param audience {@code audience}: the token's {@code aud} must contain it
 * @param audienceRegex {@code audience_regex}: one {@code aud} value must match it whole
 * @param issuer {@code issuer}: the token's {@code iss} must equal it
 * @param issuerRegex {@code issuer_regex}: {@code iss} must match it whole
 */
public record TokenSettings(String hmacSecretKey, String rsaPublicKey, String ecdsaPublicKey, String jwksPublicEndpoint,
    String audience, String audienceRegex, String issuer, String issuerRegex) {

  /** Nothing configured: every token is refused. */
  public static final TokenSettings NONE = new TokenSettings("", "", "", "", "", "", "", "");

  /** An option that cannot be used; {@link #option()} is its name without prefix, e.g. {@code rsa_public_key}. */
  public static final class InvalidOption extends IllegalArgumentException {
    private final String option;

    InvalidOption(String option, String message) {
      super(message);
      this.option = option;
    }

    public String option() {
      return option;
    }
  }

  /** Null components become empty. */
  public TokenSettings {
    hmacSecretKey = orEmpty(hmacSecretKey);
    rsaPublicKey = orEmpty(rsaPublicKey);
    ecdsaPublicKey = orEmpty(ecdsaPublicKey);
    jwksPublicEndpoint = orEmpty(jwksPublicEndpoint);
    audience = orEmpty(audience);
    audienceRegex = orEmpty(audienceRegex);
    issuer = orEmpty(issuer);
    issuerRegex = orEmpty(issuerRegex);
  }

  /** HMAC only, no audience or issuer checks. */
  public static TokenSettings hmac(String secret) {
    return NONE.withHmacSecretKey(secret);
  }

  public TokenSettings withHmacSecretKey(String secret) {
    return new TokenSettings(secret, rsaPublicKey, ecdsaPublicKey, jwksPublicEndpoint, audience, audienceRegex, issuer, issuerRegex);
  }

  /** Whether an RSA or ECDSA key or a JWKS endpoint is set. */
  public boolean hasAsymmetricKey() {
    return !rsaPublicKey.isEmpty() || !ecdsaPublicKey.isEmpty() || !jwksPublicEndpoint.isEmpty();
  }

  /** Whether any option at all is set. */
  public boolean isEmpty() {
    return equals(NONE);
  }

  /** Checks every option (parses the keys, compiles the regexes); {@link InvalidOption} for the first that is wrong. */
  public void validate() {
    rules();
    if (!rsaPublicKey.isEmpty()) parse("rsa_public_key", () -> PemKeys.rsa(rsaPublicKey));
    if (!ecdsaPublicKey.isEmpty()) parse("ecdsa_public_key", () -> PemKeys.ecdsa(ecdsaPublicKey));
    if (!jwksPublicEndpoint.isEmpty()) checkEndpoint();
  }

  /** The audience and issuer checks. */
  ClaimRules rules() {
    if (!audience.isEmpty() && !audienceRegex.isEmpty()) throw new InvalidOption("audience", "set audience or audience_regex, not both");
    if (!issuer.isEmpty() && !issuerRegex.isEmpty()) throw new InvalidOption("issuer", "set issuer or issuer_regex, not both");
    return new ClaimRules(nullIfEmpty(audience), regex("audience_regex", audienceRegex), nullIfEmpty(issuer), regex("issuer_regex", issuerRegex));
  }

  private void checkEndpoint() {
    if (jwksPublicEndpoint.contains("{{")) {
      throw new InvalidOption("jwks_public_endpoint", "templated endpoints ({{var}} from issuer/audience regex groups) are not supported");
    }
    URI uri;
    try {
      uri = new URI(jwksPublicEndpoint);
    } catch (java.net.URISyntaxException e) {
      throw new InvalidOption("jwks_public_endpoint", "not a URL: " + e.getMessage());
    }
    if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new InvalidOption("jwks_public_endpoint", "must be an http:// or https:// URL with a host");
    }
  }

  private static Pattern regex(String option, String value) {
    if (value.isEmpty()) return null;
    try {
      return ClaimRules.compile(value);
    } catch (PatternSyntaxException e) {
      throw new InvalidOption(option, "not a valid regex: " + e.getDescription());
    }
  }

  static <T> T parse(String option, java.util.function.Supplier<T> reader) {
    try {
      return reader.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidOption(option, e.getMessage());
    }
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String nullIfEmpty(String s) {
    return s.isEmpty() ? null : s;
  }

  @Override
  public String toString() {
    // Never print the secret (a config dump or an exception message could reach a log).
    return "TokenSettings[hmac=" + (hmacSecretKey.isEmpty() ? "unset" : "set") + ", rsa=" + !rsaPublicKey.isEmpty()
        + ", ecdsa=" + !ecdsaPublicKey.isEmpty() + ", jwks=" + jwksPublicEndpoint + ", audience=" + audience
        + audienceRegex + ", issuer=" + issuer + issuerRegex + "]";
  }
}
