package io.rebound.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/** Key pairs generated for a test run, and their public halves as PEM and as JWKs (what an identity provider publishes). */
public final class TestKeys {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private TestKeys() {}

  public static KeyPair rsa(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An EC key pair on {@code curve} (secp256r1, secp384r1, secp521r1). */
  public static KeyPair ec(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code -----BEGIN PUBLIC KEY-----} (SubjectPublicKeyInfo), as {@code openssl pkey -pubout} writes it. */
  public static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** A JWK for {@code key} named {@code kid}, with {@code alg} when not null. */
  public static ObjectNode jwk(PublicKey key, String kid, String alg) {
    ObjectNode jwk = JSON.createObjectNode().put("kid", kid).put("use", "sig");
    if (alg != null) jwk.put("alg", alg);
    if (key instanceof RSAPublicKey rsa) {
      jwk.put("kty", "RSA").put("n", unsigned(rsa.getModulus(), 0)).put("e", unsigned(rsa.getPublicExponent(), 0));
    } else {
      ECPublicKey ec = (ECPublicKey) key;
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      int size = (bits + 7) / 8;
      jwk.put("kty", "EC").put("crv", "P-" + bits)
          .put("x", unsigned(ec.getW().getAffineX(), size)).put("y", unsigned(ec.getW().getAffineY(), size));
    }
    return jwk;
  }

  /** A JWKS document holding {@code keys}. */
  public static String jwks(ObjectNode... keys) {
    ObjectNode doc = JSON.createObjectNode();
    ArrayNode list = doc.putArray("keys");
    for (ObjectNode k : keys) list.add(k);
    return doc.toString();
  }

  /** Big-endian magnitude without sign byte, left-padded to {@code size} bytes when size > 0. */
  private static String unsigned(BigInteger n, int size) {
    byte[] b = n.toByteArray();
    if (b.length > 1 && b[0] == 0) b = Arrays.copyOfRange(b, 1, b.length);
    if (size > b.length) {
      byte[] padded = new byte[size];
      System.arraycopy(b, 0, padded, size - b.length, b.length);
      b = padded;
    }
    return B64.encodeToString(b);
  }
}
