package io.rebound.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Reading PEM keys and checking settings, so that a wrong option fails at start, naming itself. */
class TokenSettingsTest {

  private static final KeyPair RSA = TestKeys.rsa(2048);

  private static TokenSettings.InvalidOption invalid(TokenSettings s) {
    try {
      s.validate();
    } catch (TokenSettings.InvalidOption e) {
      return e;
    }
    throw new AssertionError("accepted " + s);
  }

  @Test
  void pemKeysInTheirCommonForms() throws Exception {
    RSAPublicKey pub = (RSAPublicKey) RSA.getPublic();
    assertThat(PemKeys.rsa(TestKeys.pem(pub)).getModulus()).isEqualTo(pub.getModulus());
    // A key pasted into an environment variable with literal \n.
    assertThat(PemKeys.rsa(TestKeys.pem(pub).replace("\n", "\\n")).getModulus()).isEqualTo(pub.getModulus());
    // PKCS#1 ("openssl rsa -RSAPublicKey_out"): the SubjectPublicKeyInfo's inner key, 24 bytes in for 2048 bits.
    byte[] spki = pub.getEncoded();
    byte[] pkcs1 = java.util.Arrays.copyOfRange(spki, 24, spki.length);
    String pkcs1Pem = "-----BEGIN RSA PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pkcs1) + "\n-----END RSA PUBLIC KEY-----";
    assertThat(PemKeys.rsa(pkcs1Pem).getModulus()).isEqualTo(pub.getModulus());
    assertThat(PemKeys.ecdsa(TestKeys.pem(TestKeys.ec("secp384r1").getPublic())).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(384);
  }

  @Test
  void theKeyOfAPemCertificate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    // keytool, from the JDK running the test, makes a self-signed certificate and writes it as PEM.
    String keytool = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    java.nio.file.Path store = dir.resolve("k.p12");
    run(keytool, "-genkeypair", "-alias", "idp", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=idp",
        "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit", "-validity", "2");
    String pem = run(keytool, "-exportcert", "-rfc", "-alias", "idp", "-keystore", store.toString(), "-storepass", "changeit");

    assertThat(pem).contains("-----BEGIN CERTIFICATE-----");
    assertThat(PemKeys.rsa(pem).getModulus().bitLength()).isEqualTo(2048);
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("%s: %s", command[1], out).isZero();
    return out;
  }

  @Test
  void unusableKeysAreRefusedWithTheReason() throws Exception {
    assertThatThrownBy(() -> PemKeys.rsa(TestKeys.pem(TestKeys.rsa(1024).getPublic()))).hasMessageContaining("1024 bits");
    assertThatThrownBy(() -> PemKeys.rsa(TestKeys.pem(TestKeys.ec("secp256r1").getPublic()))).hasMessage("not an RSA public key");
    assertThatThrownBy(() -> PemKeys.ecdsa(TestKeys.pem(RSA.getPublic()))).hasMessage("not an EC public key");
    assertThatThrownBy(() -> PemKeys.rsa("MIIBIjANBg")).hasMessageStartingWith("no PEM block");
    assertThatThrownBy(() -> PemKeys.rsa("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"))
        .hasMessageContaining("not a public key");
  }

  @Test
  void everyOptionIsCheckedAndNamed() {
    assertThat(invalid(new TokenSettings("", "garbage", "", "", "", "", "", "")).option()).isEqualTo("rsa_public_key");
    assertThat(invalid(new TokenSettings("", "", TestKeys.pem(RSA.getPublic()), "", "", "", "", "")).option()).isEqualTo("ecdsa_public_key");
    assertThat(invalid(new TokenSettings("", "", "", "ftp://idp/keys", "", "", "", "")).option()).isEqualTo("jwks_public_endpoint");
    TokenSettings.InvalidOption templated = invalid(new TokenSettings("", "", "", "https://idp/{{realm}}/certs", "", "", "", ""));
    assertThat(templated.getMessage()).contains("templated");
    assertThat(invalid(new TokenSettings("", "", "", "", "a", "b", "", "")).option()).isEqualTo("audience");
    assertThat(invalid(new TokenSettings("", "", "", "", "", "", "a", "b")).option()).isEqualTo("issuer");
    assertThat(invalid(new TokenSettings("", "", "", "", "", "(unclosed", "", "")).option()).isEqualTo("audience_regex");
    new TokenSettings("s", TestKeys.pem(RSA.getPublic()), "", "https://idp.example.com/certs", "aud", "", "", "^iss$").validate();
  }

  @Test
  void theSecretNeverAppearsInToString() {
    assertThat(TokenSettings.hmac("very-secret-value").toString()).doesNotContain("very-secret-value");
  }
}
