package io.rebound.auth;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM public keys of {@code token_rsa_public_key} and {@code token_ecdsa_public_key}:
 * {@code PUBLIC KEY} (SubjectPublicKeyInfo, what {@code openssl pkey -pubout} writes), {@code RSA
 * PUBLIC KEY} (PKCS#1) and {@code CERTIFICATE} (its key is used; the certificate itself is not
 * validated). Every failure is an IllegalArgumentException saying what is wrong, for the config
 * error at start.
 */
public final class PemKeys {

  /** RSA keys shorter than this are refused (NIST has disallowed them for signatures since 2013). */
  public static final int MIN_RSA_BITS = 2048;

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  // AlgorithmIdentifier { rsaEncryption, NULL }, to wrap a PKCS#1 key into a SubjectPublicKeyInfo.
  private static final byte[] RSA_ALGORITHM_ID = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
      (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

  private PemKeys() {}

  /** The RSA key in {@code pem}, at least {@link #MIN_RSA_BITS} long. */
  public static RSAPublicKey rsa(String pem) {
    if (!(parse(pem) instanceof RSAPublicKey key)) throw new IllegalArgumentException("not an RSA public key");
    int bits = key.getModulus().bitLength();
    if (bits < MIN_RSA_BITS) throw new IllegalArgumentException("RSA key has " + bits + " bits, at least " + MIN_RSA_BITS + " are required");
    return key;
  }

  /** The ECDSA key in {@code pem}, on P-256, P-384 or P-521 (the curves of ES256, ES384, ES512). */
  public static ECPublicKey ecdsa(String pem) {
    if (!(parse(pem) instanceof ECPublicKey key)) throw new IllegalArgumentException("not an EC public key");
    int bits = key.getParams().getCurve().getField().getFieldSize();
    if (bits != 256 && bits != 384 && bits != 521) {
      throw new IllegalArgumentException("EC key is on a " + bits + "-bit curve; ES256/ES384/ES512 need P-256, P-384 or P-521");
    }
    return key;
  }

  /** The public key in the first PEM block of {@code pem}. */
  static PublicKey parse(String pem) {
    // A key pasted into an environment variable often arrives with literal "\n" for its newlines.
    Matcher m = BLOCK.matcher(pem.replace("\\n", "\n"));
    if (!m.find()) throw new IllegalArgumentException("no PEM block (-----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY-----)");
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(2));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("PEM body is not base64");
    }
    try {
      return switch (m.group(1)) {
        case "PUBLIC KEY" -> subjectPublicKeyInfo(der);
        case "RSA PUBLIC KEY" -> KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(wrapPkcs1(der)));
        case "CERTIFICATE" -> CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
        default -> throw new IllegalArgumentException("PEM block " + m.group(1) + " is not a public key or certificate");
      };
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read the key: " + e.getMessage());
    }
  }

  private static PublicKey subjectPublicKeyInfo(byte[] der) throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (String algorithm : new String[] {"RSA", "EC"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  /** SubjectPublicKeyInfo { rsaEncryption, BIT STRING { the PKCS#1 RSAPublicKey } }. */
  private static byte[] wrapPkcs1(byte[] pkcs1) {
    ByteArrayOutputStream bitString = new ByteArrayOutputStream();
    bitString.write(0); // no unused bits
    bitString.writeBytes(pkcs1);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(RSA_ALGORITHM_ID);
    derTlv(body, 0x03, bitString.toByteArray());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    derTlv(out, 0x30, body.toByteArray());
    return out.toByteArray();
  }

  private static void derTlv(ByteArrayOutputStream out, int tag, byte[] value) {
    out.write(tag);
    int n = value.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n > 0xffff ? 3 : n > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) out.write(n >>> (8 * i));
    }
    out.writeBytes(value);
  }
}
