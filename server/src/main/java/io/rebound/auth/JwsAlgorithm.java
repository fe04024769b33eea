package io.rebound.auth;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * The JWS algorithms Centrifugo accepts (RFC 7518 §3): HMAC, RSASSA-PKCS1-v1_5 and ECDSA, each
 * with SHA-256/384/512. Names are case-sensitive and {@code none} is deliberately absent, so a
 * token can never opt out of its signature. Stateless and thread-safe.
 */
enum JwsAlgorithm {
  HS256(Family.HMAC, "HmacSHA256", 0),
  HS384(Family.HMAC, "HmacSHA384", 0),
  HS512(Family.HMAC, "HmacSHA512", 0),
  RS256(Family.RSA, "SHA256withRSA", 0),
  RS384(Family.RSA, "SHA384withRSA", 0),
  RS512(Family.RSA, "SHA512withRSA", 0),
  ES256(Family.EC, "SHA256withECDSAinP1363Format", 256),
  ES384(Family.EC, "SHA384withECDSAinP1363Format", 384),
  ES512(Family.EC, "SHA512withECDSAinP1363Format", 521);

  /** What kind of key an algorithm needs. */
  enum Family { HMAC, RSA, EC }

  final Family family;
  private final String jcaName;
  /** ECDSA only: the field size of the one curve this algorithm is defined with (P-256, P-384, P-521). */
  final int curveBits;

  JwsAlgorithm(Family family, String jcaName, int curveBits) {
    this.family = family;
    this.jcaName = jcaName;
    this.curveBits = curveBits;
  }

  /** The algorithm called {@code name} in a JWS header, or null when Rebound does not implement it. */
  static JwsAlgorithm byName(String name) {
    if (name == null) return null;
    for (JwsAlgorithm a : values()) {
      if (a.name().equals(name)) return a;
    }
    return null;
  }

  /** The curve name (for messages) of an ECDSA algorithm. */
  String curveName() {
    return "P-" + curveBits;
  }

  /** Whether {@code key} is of the kind this algorithm is defined for (for ECDSA: on its curve). */
  boolean fits(Key key) {
    return switch (family) {
      case HMAC -> key instanceof SecretKey;
      case RSA -> key instanceof RSAPublicKey;
      case EC -> key instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() == curveBits;
    };
  }

  /**
   * Whether {@code signature} is this algorithm's signature of {@code input} under {@code key}
   * (which must {@link #fits fit}). ECDSA signatures are in the JOSE form, r||s with each half
   * the curve's size, never DER; RSA signatures have exactly the modulus' length.
   */
  boolean verify(Key key, byte[] input, byte[] signature) {
    try {
      switch (family) {
        case HMAC -> {
          Mac mac = Mac.getInstance(jcaName);
          mac.init(key);
          // Constant-time: a comparison that stops at the first differing byte leaks the signature.
          return MessageDigest.isEqual(mac.doFinal(input), signature);
        }
        case RSA -> {
          if (signature.length != (((RSAPublicKey) key).getModulus().bitLength() + 7) / 8) return false;
        }
        case EC -> {
          if (signature.length != 2 * ((curveBits + 7) / 8)) return false;
        }
      }
      Signature verifier = Signature.getInstance(jcaName);
      verifier.initVerify((java.security.PublicKey) key);
      verifier.update(input);
      return verifier.verify(signature);
    } catch (java.security.SignatureException e) {
      return false; // a malformed signature is simply not a valid one
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(jcaName + " unavailable in this JDK", e);
    }
  }
}
