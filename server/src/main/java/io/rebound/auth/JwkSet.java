package io.rebound.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The signing keys of a JWKS document (RFC 7517 §5), by {@code kid}. Keys Rebound cannot use are
 * skipped, not fatal, so one exotic key in an identity provider's set does not disable the others:
 * keys without a {@code kid}, with {@code use} other than {@code sig}, of a type other than RSA
 * or EC (OKP/Ed25519 is not supported), RSA shorter than 2048 bits, EC on other curves, or
 * malformed. Immutable.
 *
 * @param keys usable keys by kid (a kid may name several keys of different types)
 * @param skipped how many entries were not usable
 */
record JwkSet(Map<String, List<Jwk>> keys, int skipped) {

  /** More keys than this in one document is not a key set but an attack or a mistake. */
  static final int MAX_KEYS = 256;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> CURVES = Map.of("P-256", "secp256r1", "P-384", "secp384r1", "P-521", "secp521r1");

  /** The set in {@code document}; IllegalArgumentException when it is not a JWKS with at least one usable key. */
  static JwkSet parse(byte[] document) {
    JsonNode root;
    try {
      root = JSON.readTree(document);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON");
    }
    JsonNode list = root == null ? null : root.get("keys");
    if (list == null || !list.isArray()) throw new IllegalArgumentException("no \"keys\" array");
    if (list.size() > MAX_KEYS) throw new IllegalArgumentException(list.size() + " keys, more than " + MAX_KEYS);
    Map<String, List<Jwk>> keys = new HashMap<>();
    int skipped = 0;
    for (JsonNode entry : list) {
      Jwk jwk = usable(entry);
      if (jwk == null) skipped++;
      else keys.computeIfAbsent(jwk.kid(), k -> new ArrayList<>(1)).add(jwk);
    }
    if (keys.isEmpty()) throw new IllegalArgumentException("no usable signing key among " + list.size());
    keys.replaceAll((kid, same) -> List.copyOf(same));
    return new JwkSet(Map.copyOf(keys), skipped);
  }

  /** The key named {@code kid} that may check a token signed with {@code alg}, or null. */
  Jwk find(String kid, JwsAlgorithm alg) {
    for (Jwk jwk : keys.getOrDefault(kid, List.of())) {
      if (jwk.allows(alg)) return jwk;
    }
    return null;
  }

  /** Whether the set has any key named {@code kid}, whatever its type. */
  boolean has(String kid) {
    return keys.containsKey(kid);
  }

  private static Jwk usable(JsonNode entry) {
    String kid = text(entry, "kid");
    String use = text(entry, "use");
    if (kid == null || kid.isEmpty() || (use != null && !use.equals("sig"))) return null;
    String algName = text(entry, "alg");
    JwsAlgorithm alg = JwsAlgorithm.byName(algName);
    if (algName != null && (alg == null || alg.family == JwsAlgorithm.Family.HMAC)) return null;
    try {
      PublicKey key = switch (String.valueOf(text(entry, "kty"))) {
        case "RSA" -> rsa(entry);
        case "EC" -> ec(entry);
        default -> null;
      };
      if (key == null || (alg != null && !alg.fits(key))) return null;
      return new Jwk(kid, key, alg);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return null;
    }
  }

  private static PublicKey rsa(JsonNode entry) throws GeneralSecurityException {
    BigInteger n = unsigned(entry, "n");
    BigInteger e = unsigned(entry, "e");
    if (n.bitLength() < PemKeys.MIN_RSA_BITS) return null;
    return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
  }

  private static PublicKey ec(JsonNode entry) throws GeneralSecurityException {
    String curve = CURVES.get(String.valueOf(text(entry, "crv")));
    if (curve == null) return null;
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec(curve));
    ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
    int size = (spec.getCurve().getField().getFieldSize() + 7) / 8;
    byte[] x = bytes(entry, "x");
    byte[] y = bytes(entry, "y");
    // RFC 7518 §6.2.1.2: each coordinate is exactly the curve's size.
    if (x.length != size || y.length != size) return null;
    ECPoint point = new ECPoint(new BigInteger(1, x), new BigInteger(1, y));
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec));
  }

  private static BigInteger unsigned(JsonNode entry, String name) {
    return new BigInteger(1, bytes(entry, name));
  }

  // Key material comes from the operator's identity provider, not from a token, so padding is
  // tolerated here (some providers pad); canonical form matters only where a value is signed.
  private static byte[] bytes(JsonNode entry, String name) {
    String value = text(entry, name);
    if (value == null || value.isEmpty()) throw new IllegalArgumentException("no " + name);
    return Base64.getUrlDecoder().decode(value);
  }

  private static String text(JsonNode entry, String name) {
    JsonNode v = entry.get(name);
    return v != null && v.isTextual() ? v.textValue() : null;
  }
}
