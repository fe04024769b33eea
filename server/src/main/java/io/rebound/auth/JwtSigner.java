package io.rebound.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints JSON Web Tokens: HS256 with a shared secret ({@code --gentoken}, the load tools, tests),
 * or RS256/384/512 and ES256/384/512 with a private key (tests and benchmarks standing in for an
 * identity provider). The broker itself only verifies tokens ({@link JwtVerifier}). Thread-safe.
 */
public final class JwtSigner {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final JwsAlgorithm algorithm;
  private final String header;
  private final SecretKeySpec secret;
  private final PrivateKey privateKey;

  /** An HS256 signer. */
  public JwtSigner(String hmacSecret) {
    if (hmacSecret == null || hmacSecret.isEmpty()) throw new IllegalArgumentException("HMAC secret is empty");
    this.algorithm = JwsAlgorithm.HS256;
    this.header = header("HS256", null);
    this.secret = new SecretKeySpec(hmacSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.privateKey = null;
  }

  private JwtSigner(JwsAlgorithm algorithm, PrivateKey key, String kid) {
    this.algorithm = algorithm;
    this.header = header(algorithm.name(), kid);
    this.secret = null;
    this.privateKey = key;
  }

  /**
   * A signer for {@code alg} (RS256..ES512) with {@code key}, naming {@code kid} in the header when
   * not null. ECDSA signatures are written in the JOSE form (r||s), as RFC 7518 §3.4 requires.
   */
  public static JwtSigner asymmetric(String alg, PrivateKey key, String kid) {
    JwsAlgorithm algorithm = JwsAlgorithm.byName(alg);
    if (algorithm == null || algorithm.family == JwsAlgorithm.Family.HMAC) throw new IllegalArgumentException("not an asymmetric JWS algorithm: " + alg);
    return new JwtSigner(algorithm, key, kid);
  }

  private static String header(String alg, String kid) {
    ObjectNode h = JSON.createObjectNode().put("alg", alg).put("typ", "JWT");
    if (kid != null) h.put("kid", kid);
    return B64.encodeToString(h.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** A signed token carrying {@code claims} (serialised with Jackson: strings, numbers, lists, maps). */
  public String sign(Map<String, ?> claims) {
    try {
      String signingInput = header + "." + B64.encodeToString(JSON.writeValueAsBytes(claims));
      byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
      return signingInput + "." + B64.encodeToString(secret != null ? hmac(input) : signature(input));
    } catch (JsonProcessingException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign token", e);
    }
  }

  private byte[] hmac(byte[] input) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(secret);
    return mac.doFinal(input);
  }

  private byte[] signature(byte[] input) throws GeneralSecurityException {
    String jca = switch (algorithm) {
      case RS256 -> "SHA256withRSA";
      case RS384 -> "SHA384withRSA";
      case RS512 -> "SHA512withRSA";
      case ES256 -> "SHA256withECDSAinP1363Format";
      case ES384 -> "SHA384withECDSAinP1363Format";
      default -> "SHA512withECDSAinP1363Format";
    };
    Signature signer = Signature.getInstance(jca);
    signer.initSign(privateKey);
    signer.update(input);
    return signer.sign();
  }

  /** A connection token for {@code user} valid for {@code ttlSeconds}. */
  public String connectionToken(String user, long ttlSeconds) {
    return sign(Map.of("sub", user, "exp", System.currentTimeMillis() / 1000 + ttlSeconds));
  }
}
