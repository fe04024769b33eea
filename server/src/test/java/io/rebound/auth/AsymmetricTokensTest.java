package io.rebound.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.auth.TokenException.Kind;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RS* and ES* tokens checked with PEM keys, HMAC beside them, audience and issuer rules, separate subscription keys. */
class AsymmetricTokensTest {

  private static final long NOW = 1_700_000_000L;
  private static final String SECRET = "hmac-secret";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final KeyPair RSA = TestKeys.rsa(2048);
  private static final KeyPair OTHER_RSA = TestKeys.rsa(2048);
  private static final KeyPair P256 = TestKeys.ec("secp256r1");
  private static final KeyPair P384 = TestKeys.ec("secp384r1");
  private static final KeyPair P521 = TestKeys.ec("secp521r1");

  private static TokenSettings settings(String hmac, KeyPair rsa, KeyPair ec) {
    return new TokenSettings(hmac, rsa == null ? "" : TestKeys.pem(rsa.getPublic()), ec == null ? "" : TestKeys.pem(ec.getPublic()),
        "", "", "", "", "");
  }

  private static JwtVerifier verifier(TokenSettings settings) {
    return JwtVerifier.create(null, settings, null);
  }

  private static String token(String alg, KeyPair pair, Map<String, ?> claims) {
    return JwtSigner.asymmetric(alg, pair.getPrivate(), null).sign(claims);
  }

  private static TokenException refused(JwtVerifier verifier, String token) {
    try {
      verifier.verifyConnect(token, NOW);
    } catch (TokenException e) {
      return e;
    }
    throw new AssertionError("accepted " + token);
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "RS384", "RS512"})
  void rsaTokensVerifyWithThePemKey(String alg) throws Exception {
    ConnectClaims c = verifier(settings("", RSA, null)).verifyConnect(token(alg, RSA, Map.of("sub", "alice", "exp", NOW + 60)), NOW);

    assertThat(c.user()).isEqualTo("alice");
    assertThat(c.expiresAt()).isEqualTo(NOW + 60);
  }

  @Test
  void ecdsaTokensVerifyWithTheKeyOfTheirCurve() throws Exception {
    assertThat(verifier(settings("", null, P256)).verifyConnect(token("ES256", P256, Map.of("sub", "a")), NOW).user()).isEqualTo("a");
    assertThat(verifier(settings("", null, P384)).verifyConnect(token("ES384", P384, Map.of("sub", "b")), NOW).user()).isEqualTo("b");
    assertThat(verifier(settings("", null, P521)).verifyConnect(token("ES512", P521, Map.of("sub", "c")), NOW).user()).isEqualTo("c");
  }

  @Test
  void hmacRsaAndEcdsaConfiguredTogetherAllWork() throws Exception {
    JwtVerifier all = verifier(settings(SECRET, RSA, P256));

    assertThat(all.verifyConnect(new JwtSigner(SECRET).sign(Map.of("sub", "h")), NOW).user()).isEqualTo("h");
    assertThat(all.verifyConnect(token("RS256", RSA, Map.of("sub", "r")), NOW).user()).isEqualTo("r");
    assertThat(all.verifyConnect(token("ES256", P256, Map.of("sub", "e")), NOW).user()).isEqualTo("e");
  }

  @Test
  void anAlgorithmWithoutAConfiguredKeyIsRefusedWithAClearReason() {
    TokenException rsaOnHmac = refused(verifier(TokenSettings.hmac(SECRET)), token("RS256", RSA, Map.of("sub", "a")));
    assertThat(rsaOnHmac.kind()).isEqualTo(Kind.INVALID);
    assertThat(rsaOnHmac.getMessage()).isEqualTo("algorithm RS256 not configured");

    assertThat(refused(verifier(settings("", RSA, null)), new JwtSigner(SECRET).sign(Map.of("sub", "a"))).getMessage())
        .isEqualTo("algorithm HS256 not configured");
    assertThat(refused(verifier(settings("", RSA, null)), token("ES256", P256, Map.of("sub", "a"))).getMessage())
        .isEqualTo("algorithm ES256 not configured");
    // ES384 is defined on P-384 only: a P-256 key does not make it available.
    assertThat(refused(verifier(settings("", null, P256)), token("ES384", P384, Map.of("sub", "a"))).getMessage())
        .startsWith("algorithm ES384 not configured");
  }

  @Test
  void aSignatureByAnotherKeyIsInvalid() {
    TokenException e = refused(verifier(settings("", RSA, null)), token("RS256", OTHER_RSA, Map.of("sub", "a")));
    assertThat(e.kind()).isEqualTo(Kind.INVALID);
    assertThat(e.getMessage()).isEqualTo("bad signature");
    assertThat(refused(verifier(settings("", null, P256)), token("ES256", TestKeys.ec("secp256r1"), Map.of("sub", "a"))).kind())
        .isEqualTo(Kind.INVALID);
  }

  @Test
  void ecdsaSignaturesMustBeInJoseFormNotDer() throws Exception {
    String input = B64.encodeToString("{\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + B64.encodeToString("{\"sub\":\"a\"}".getBytes(StandardCharsets.UTF_8));
    Signature der = Signature.getInstance("SHA256withECDSA");
    der.initSign(P256.getPrivate());
    der.update(input.getBytes(StandardCharsets.US_ASCII));
    String derToken = input + "." + B64.encodeToString(der.sign());

    assertThat(refused(verifier(settings("", null, P256)), derToken).kind()).isEqualTo(Kind.INVALID);
  }

  @Test
  void aTruncatedRsaSignatureIsInvalid() {
    String good = token("RS256", RSA, Map.of("sub", "a"));
    byte[] sig = Base64.getUrlDecoder().decode(good.substring(good.lastIndexOf('.') + 1));
    String shorter = good.substring(0, good.lastIndexOf('.') + 1) + B64.encodeToString(java.util.Arrays.copyOf(sig, sig.length - 1));
    assertThat(refused(verifier(settings("", RSA, null)), shorter).kind()).isEqualTo(Kind.INVALID);
  }

  @Test
  void theRsaPublicKeyIsNeverAnHmacSecret() throws Exception {
    // The classic confusion attack: HS256 "signed" with the public key text the server holds.
    String pem = TestKeys.pem(RSA.getPublic());
    String forged = new JwtSigner(pem).sign(Map.of("sub", "admin"));
    assertThat(refused(verifier(settings("", RSA, null)), forged).getMessage()).isEqualTo("algorithm HS256 not configured");
  }

  @Test
  void algNoneInAnySpellingAndCritAreInvalid() {
    JwtVerifier v = verifier(settings(SECRET, RSA, null));
    for (String alg : List.of("none", "None", "NONE")) {
      String header = B64.encodeToString(("{\"alg\":\"" + alg + "\"}").getBytes(StandardCharsets.UTF_8));
      String unsigned = header + "." + B64.encodeToString("{\"sub\":\"a\"}".getBytes(StandardCharsets.UTF_8)) + ".";
      assertThat(refused(v, unsigned).kind()).isEqualTo(Kind.INVALID);
      assertThat(refused(v, unsigned + "AAAA").getMessage()).isEqualTo("alg none is never accepted");
    }
    String crit = B64.encodeToString("{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false}".getBytes(StandardCharsets.UTF_8));
    assertThat(refused(v, crit + ".e30.AAAA").getMessage()).contains("crit");
  }

  @Test
  void duplicateClaimsAreInvalid() throws Exception {
    String header = B64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8));
    String input = header + "." + B64.encodeToString("{\"sub\":\"alice\",\"sub\":\"admin\"}".getBytes(StandardCharsets.UTF_8));
    Signature rs = Signature.getInstance("SHA256withRSA");
    rs.initSign(RSA.getPrivate());
    rs.update(input.getBytes(StandardCharsets.US_ASCII));
    assertThat(refused(verifier(settings("", RSA, null)), input + "." + B64.encodeToString(rs.sign())).kind()).isEqualTo(Kind.INVALID);
  }

  @Test
  void expiredAsymmetricTokenIsExpired() {
    assertThat(refused(verifier(settings("", RSA, null)), token("RS256", RSA, Map.of("sub", "a", "exp", NOW))).kind())
        .isEqualTo(Kind.EXPIRED);
  }

  @Test
  void audienceIsOneOfTheTokensAudiences() throws Exception {
    JwtVerifier v = verifier(new TokenSettings(SECRET, "", "", "", "rebound", "", "", ""));
    JwtSigner s = new JwtSigner(SECRET);

    assertThat(v.verifyConnect(s.sign(Map.of("sub", "a", "aud", "rebound")), NOW).user()).isEqualTo("a");
    assertThat(v.verifyConnect(s.sign(Map.of("sub", "a", "aud", List.of("api", "rebound"))), NOW).user()).isEqualTo("a");
    assertThat(refused(v, s.sign(Map.of("sub", "a", "aud", "api"))).getMessage()).isEqualTo("invalid audience");
    assertThat(refused(v, s.sign(Map.of("sub", "a"))).kind()).isEqualTo(Kind.INVALID);
    assertThat(refused(v, s.sign(Map.of("sub", "a", "aud", 7))).kind()).isEqualTo(Kind.INVALID);
  }

  @Test
  void issuerAndRegexVariantsMatchWholeValues() throws Exception {
    JwtSigner s = new JwtSigner(SECRET);
    JwtVerifier exact = verifier(new TokenSettings(SECRET, "", "", "", "", "", "https://idp.example.com", ""));
    assertThat(exact.verifyConnect(s.sign(Map.of("sub", "a", "iss", "https://idp.example.com")), NOW).user()).isEqualTo("a");
    assertThat(refused(exact, s.sign(Map.of("sub", "a", "iss", "https://evil.example.com"))).getMessage()).isEqualTo("invalid issuer");

    // Go's named-group syntax, as a Centrifugo config would have it.
    JwtVerifier regex = verifier(new TokenSettings(SECRET, "", "", "", "", "^app-[0-9]+$",
        "", "https://idp\\.example\\.com/realms/(?P<realm>[a-z]+)"));
    assertThat(regex.verifyConnect(s.sign(Map.of("sub", "a", "aud", List.of("x", "app-42"),
        "iss", "https://idp.example.com/realms/main")), NOW).user()).isEqualTo("a");
    assertThat(refused(regex, s.sign(Map.of("sub", "a", "aud", "app-42",
        "iss", "https://evil.example.org/?https://idp.example.com/realms/main"))).getMessage()).isEqualTo("invalid issuer");
    assertThat(refused(regex, s.sign(Map.of("sub", "a", "aud", "app-42x",
        "iss", "https://idp.example.com/realms/main"))).getMessage()).isEqualTo("invalid audience");
  }

  @Test
  void aSeparateSubscriptionConfigIsTheOnlyOneForSubscriptionTokens() throws Exception {
    JwtVerifier v = JwtVerifier.create(null, TokenSettings.hmac(SECRET), settings("", RSA, null));
    JwtSigner hmac = new JwtSigner(SECRET);
    String rsaSubscription = token("RS256", RSA, Map.of("sub", "a", "channel", "$x"));

    assertThat(v.verifySubscribe(rsaSubscription, NOW).channel()).isEqualTo("$x");
    assertThatThrownBy(() -> v.verifySubscribe(hmac.sign(Map.of("sub", "a", "channel", "$x")), NOW))
        .hasMessage("algorithm HS256 not configured");
    assertThat(v.verifyConnect(hmac.sign(Map.of("sub", "a")), NOW).user()).isEqualTo("a");
    assertThatThrownBy(() -> v.verifyConnect(token("RS256", RSA, Map.of("sub", "a")), NOW))
        .hasMessage("algorithm RS256 not configured");
  }

  @Test
  void futureMethodsAreCompleteAtOnceWithoutJwks() {
    JwtVerifier v = verifier(settings(SECRET, RSA, null));
    var ok = v.verifyConnectAsync(token("RS256", RSA, Map.of("sub", "a")), NOW);
    var bad = v.verifySubscribeAsync(token("RS256", OTHER_RSA, Map.of("sub", "a", "channel", "c")), NOW);

    assertThat(ok.isComplete()).isTrue();
    assertThat(ok.result().user()).isEqualTo("a");
    assertThat(bad.failed()).isTrue();
    assertThat(bad.cause()).isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID));
  }
}
