package io.rebound.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints HS256 JSON Web Tokens. Used by {@code --gentoken}, the load tool and tests; the broker itself
 * only verifies tokens ({@link JwtVerifier}).
 */
public final class JwtSigner {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  private final SecretKeySpec key;

  public JwtSigner(String hmacSecret) {
    if (hmacSecret == null || hmacSecret.isEmpty()) throw new IllegalArgumentException("HMAC secret is empty");
    this.key = new SecretKeySpec(hmacSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /** A signed token carrying {@code claims} (serialised with Jackson: strings, numbers, lists, maps). */
  public String sign(Map<String, ?> claims) {
    try {
      String payload = B64.encodeToString(JSON.writeValueAsBytes(claims));
      String signingInput = HEADER + "." + payload;
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (JsonProcessingException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign token", e);
    }
  }

  /** A connection token for {@code user} valid for {@code ttlSeconds}. */
  public String connectionToken(String user, long ttlSeconds) {
    return sign(Map.of("sub", user, "exp", System.currentTimeMillis() / 1000 + ttlSeconds));
  }
}
