package io.rebound.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The admin page's session tokens: HS256 JWTs signed with {@code admin_secret}, with the audience
 * {@value #AUDIENCE} and an expiry. A token is accepted only when its header is exactly the one this
 * class writes (no algorithm choice is left to the token), its signature matches, its audience is
 * the admin page's and it has not expired. Thread-safe and stateless: any node with the same secret
 * accepts a token another node issued.
 */
final class AdminTokens {

  /** The {@code aud} claim of admin tokens, so no other token signed with the same key passes. */
  static final String AUDIENCE = "rebound-admin";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final String HEADER = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  private final SecretKeySpec key;
  private final Duration ttl;
  private final LongSupplier nowSeconds;

  /** Tokens signed with {@code secret}, valid for {@code ttl}, against the clock {@code nowSeconds} (epoch seconds). */
  AdminTokens(String secret, Duration ttl, LongSupplier nowSeconds) {
    if (secret == null || secret.isEmpty()) throw new IllegalArgumentException("admin secret is empty");
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.ttl = ttl;
    this.nowSeconds = nowSeconds;
  }

  /** A new token issued now. */
  Issued issue() {
    long now = nowSeconds.getAsLong();
    long exp = now + ttl.toSeconds();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("sub", "admin");
    claims.put("aud", AUDIENCE);
    claims.put("iat", now);
    claims.put("exp", exp);
    try {
      String input = HEADER + "." + B64.encodeToString(JSON.writeValueAsBytes(claims));
      return new Issued(input + "." + B64.encodeToString(mac(input)), exp);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode admin token", e);
    }
  }

  /** A token and when it expires (epoch seconds). */
  record Issued(String token, long expiresAt) {}

  /** What is wrong with a token, or {@link Check#VALID}. */
  enum Check { VALID, MISSING, MALFORMED, BAD_SIGNATURE, WRONG_AUDIENCE, EXPIRED }

  /** Checks {@code token} (null or empty: {@link Check#MISSING}). */
  Check check(String token) {
    if (token == null || token.isEmpty()) return Check.MISSING;
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || !parts[0].equals(HEADER)) return Check.MALFORMED;
    byte[] signature;
    JsonNode claims;
    try {
      signature = B64D.decode(parts[2]);
      claims = JSON.readTree(B64D.decode(parts[1]));
    } catch (IllegalArgumentException | IOException e) {
      return Check.MALFORMED;
    }
    if (!MessageDigest.isEqual(signature, mac(parts[0] + "." + parts[1]))) return Check.BAD_SIGNATURE;
    if (claims == null || !AUDIENCE.equals(claims.path("aud").asText())) return Check.WRONG_AUDIENCE;
    JsonNode exp = claims.get("exp");
    if (exp == null || !exp.canConvertToLong() || exp.asLong() <= nowSeconds.getAsLong()) return Check.EXPIRED;
    return Check.VALID;
  }

  private byte[] mac(String signingInput) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
