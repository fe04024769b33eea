package io.rebound.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.auth.TokenException.Kind;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JwtVerifierTest {

  private static final String SECRET = "test-secret";
  private static final long NOW = 1_700_000_000L;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JwtVerifier verifier = new JwtVerifier(SECRET);
  private final JwtSigner signer = new JwtSigner(SECRET);

  /** A token with any header algorithm, signed with {@code macAlgorithm} (or unsigned when null). */
  private static String token(String alg, String macAlgorithm, String secret, Map<String, ?> claims) throws Exception {
    String header = B64.encodeToString(("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.UTF_8));
    String input = header + "." + B64.encodeToString(JSON.writeValueAsBytes(claims));
    if (macAlgorithm == null) return input + ".";
    Mac mac = Mac.getInstance(macAlgorithm);
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), macAlgorithm));
    return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }

  private Kind connectFailure(String token) {
    try {
      verifier.verifyConnect(token, NOW);
      throw new AssertionError("accepted " + token);
    } catch (TokenException e) {
      return e.kind();
    }
  }

  @ParameterizedTest
  @CsvSource({"HS256,HmacSHA256", "HS384,HmacSHA384", "HS512,HmacSHA512"})
  void hmacAlgorithmsAreAccepted(String alg, String mac) throws Exception {
    ConnectClaims c = verifier.verifyConnect(token(alg, mac, SECRET, Map.of("sub", "alice", "exp", NOW + 60)), NOW);

    assertThat(c.user()).isEqualTo("alice");
    assertThat(c.expiresAt()).isEqualTo(NOW + 60);
  }

  @Test
  void signerTokensAreAccepted() throws Exception {
    ConnectClaims c = verifier.verifyConnect(signer.sign(Map.of("sub", "bob", "info", Map.of("name", "Bob"))), NOW);

    assertThat(c.user()).isEqualTo("bob");
    assertThat(c.expiresAt()).isZero();
    assertThat(c.info()).isEqualTo("{\"name\":\"Bob\"}");
    assertThat(c.channels()).isEmpty();
  }

  @Test
  void missingSubIsTheAnonymousUser() throws Exception {
    assertThat(verifier.verifyConnect(signer.sign(Map.of()), NOW).user()).isEmpty();
  }

  @Test
  void wrongSecretIsInvalid() {
    String token = new JwtSigner("other-secret").sign(Map.of("sub", "alice"));
    assertThat(connectFailure(token)).isEqualTo(Kind.INVALID);
  }

  @Test
  void algorithmMismatchWithSignatureIsInvalid() throws Exception {
    // Header says HS512 but the signature is HS256: must not verify.
    assertThat(connectFailure(token("HS512", "HmacSHA256", SECRET, Map.of("sub", "a")))).isEqualTo(Kind.INVALID);
  }

  @Test
  void tamperedPayloadIsInvalid() {
    String[] parts = signer.sign(Map.of("sub", "alice")).split("\\.");
    String forged = B64.encodeToString("{\"sub\":\"admin\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(connectFailure(parts[0] + "." + forged + "." + parts[2])).isEqualTo(Kind.INVALID);
  }

  @Test
  void algNoneIsInvalid() throws Exception {
    assertThat(connectFailure(token("none", null, SECRET, Map.of("sub", "alice")))).isEqualTo(Kind.INVALID);
  }

  @Test
  void otherAlgorithmsAreInvalid() throws Exception {
    assertThat(connectFailure(token("RS256", "HmacSHA256", SECRET, Map.of("sub", "a")))).isEqualTo(Kind.INVALID);
    assertThat(connectFailure(token("hs256", "HmacSHA256", SECRET, Map.of("sub", "a")))).isEqualTo(Kind.INVALID);
  }

  @Test
  void malformedTokensAreInvalid() {
    String good = signer.sign(Map.of("sub", "a"));
    String[] p = good.split("\\.");
    assertThat(connectFailure("")).isEqualTo(Kind.INVALID);
    assertThat(connectFailure(null)).isEqualTo(Kind.INVALID);
    assertThat(connectFailure(p[0] + "." + p[1])).isEqualTo(Kind.INVALID);
    assertThat(connectFailure(good + ".x")).isEqualTo(Kind.INVALID);
    assertThat(connectFailure(p[0] + "." + p[1] + ".***")).isEqualTo(Kind.INVALID);
    assertThat(connectFailure("e30." + p[1] + "." + p[2])).isEqualTo(Kind.INVALID);
  }

  @Test
  void nonJsonPayloadWithValidSignatureIsInvalid() throws Exception {
    String header = B64.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8));
    String input = header + "." + B64.encodeToString("not json".getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String token = input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    assertThat(connectFailure(token)).isEqualTo(Kind.INVALID);
  }

  @Test
  void expiredTokenIsExpired() {
    assertThat(connectFailure(signer.sign(Map.of("sub", "a", "exp", NOW - 1)))).isEqualTo(Kind.EXPIRED);
    // exp == now is already expired (RFC 7519: "on or after").
    assertThat(connectFailure(signer.sign(Map.of("sub", "a", "exp", NOW)))).isEqualTo(Kind.EXPIRED);
    assertThat(connectFailure(signer.sign(Map.of("sub", "a", "exp", 0)))).isEqualTo(Kind.EXPIRED);
    assertThat(connectFailure(signer.sign(Map.of("sub", "a", "exp", "soon")))).isEqualTo(Kind.INVALID);
  }

  @Test
  void expiredTokenWithBadSignatureIsInvalidNotExpired() {
    String token = new JwtSigner("other").sign(Map.of("sub", "a", "exp", NOW - 100));
    assertThat(connectFailure(token)).isEqualTo(Kind.INVALID);
  }

  @Test
  void notBeforeInTheFutureIsInvalid() throws Exception {
    assertThat(connectFailure(signer.sign(Map.of("sub", "a", "nbf", NOW + 1)))).isEqualTo(Kind.INVALID);
    assertThat(verifier.verifyConnect(signer.sign(Map.of("sub", "a", "nbf", NOW)), NOW).user()).isEqualTo("a");
  }

  @Test
  void expireAtRules() throws Exception {
    assertThat(verifier.verifyConnect(signer.sign(Map.of("exp", NOW + 60, "expire_at", NOW + 3600)), NOW).expiresAt())
        .isEqualTo(NOW + 3600);
    assertThat(verifier.verifyConnect(signer.sign(Map.of("exp", NOW + 60, "expire_at", 0)), NOW).expiresAt()).isZero();
    assertThat(verifier.verifyConnect(signer.sign(Map.of("exp", NOW + 60)), NOW).expiresAt()).isEqualTo(NOW + 60);
    assertThat(verifier.verifyConnect(signer.sign(Map.of("sub", "a")), NOW).expiresAt()).isZero();
    // expire_at does not excuse an expired exp: exp is still checked.
    assertThat(connectFailure(signer.sign(Map.of("exp", NOW - 1, "expire_at", NOW + 3600)))).isEqualTo(Kind.EXPIRED);
  }

  @Test
  void channelsAndSubsBecomeServerSideSubscriptions() throws Exception {
    String token = signer.sign(Map.of("sub", "a",
        "channels", List.of("news", "personal:#a", "news"),
        "subs", Map.of("personal:#a", Map.of(), "chat:lobby", Map.of("data", Map.of()))));

    assertThat(verifier.verifyConnect(token, NOW).channels()).containsExactly("news", "personal:#a", "chat:lobby");
  }

  @Test
  void malformedChannelsClaimIsInvalid() {
    assertThat(connectFailure(signer.sign(Map.of("channels", "news")))).isEqualTo(Kind.INVALID);
    assertThat(connectFailure(signer.sign(Map.of("channels", List.of(1))))).isEqualTo(Kind.INVALID);
    assertThat(connectFailure(signer.sign(Map.of("subs", List.of("news"))))).isEqualTo(Kind.INVALID);
    assertThat(connectFailure(signer.sign(Map.of("sub", 42)))).isEqualTo(Kind.INVALID);
  }

  @Test
  void channelClaimInConnectTokenIsInvalid() {
    assertThat(connectFailure(signer.sign(Map.of("sub", "a", "channel", "news")))).isEqualTo(Kind.INVALID);
  }

  @Test
  void emptySecretRefusesEveryToken() {
    JwtVerifier none = new JwtVerifier("");
    assertThatThrownBy(() -> none.verifyConnect(signer.sign(Map.of("sub", "a")), NOW))
        .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID));
  }

  @Test
  void subscribeTokenCarriesItsClaims() throws Exception {
    String token = signer.sign(Map.of("sub", "alice", "channel", "$chat:secret", "client", "c-1",
        "exp", NOW + 30, "info", Map.of("role", "mod"), "data", List.of(1, 2)));

    SubscribeClaims c = verifier.verifySubscribe(token, NOW);

    assertThat(c).isEqualTo(new SubscribeClaims("alice", "$chat:secret", "c-1", NOW + 30, "{\"role\":\"mod\"}", "[1,2]"));
  }

  @Test
  void subscribeTokenOptionalClaimsAreNull() throws Exception {
    SubscribeClaims c = verifier.verifySubscribe(signer.sign(Map.of("sub", "a", "channel", "x", "expire_at", 0)), NOW);

    assertThat(c.client()).isNull();
    assertThat(c.info()).isNull();
    assertThat(c.data()).isNull();
    assertThat(c.expiresAt()).isZero();
  }

  @Test
  void subscribeTokenNeedsAChannel() {
    assertThatThrownBy(() -> verifier.verifySubscribe(signer.sign(Map.of("sub", "a")), NOW))
        .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID));
    assertThatThrownBy(() -> verifier.verifySubscribe(signer.sign(Map.of("sub", "a", "channel", "")), NOW))
        .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID));
  }

  @Test
  void expiredSubscribeTokenIsExpired() {
    assertThatThrownBy(() -> verifier.verifySubscribe(signer.sign(Map.of("channel", "x", "exp", NOW - 5)), NOW))
        .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.kind()).isEqualTo(Kind.EXPIRED));
  }

  // ---- NumericDates (issue 15 item 9) ----------------------------------------------------------

  /** A token whose payload is exactly {@code payloadJson}, HS256-signed with the test secret. */
  private static String rawToken(String payloadJson) throws Exception {
    String header = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    return signed(header + "." + B64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)));
  }

  private static String signed(String signingInput) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void expOfLongMaxWrittenByJavaScriptIsInvalidNotExpired() throws Exception {
    // 2**63-1 in JavaScript is the double 2^63, which JSON.stringify writes as 9223372036854776000:
    // read as a long it wrapped to a date in the past, and the client was told 109 "expired".
    assertThat(connectFailure(rawToken("{\"sub\":\"a\",\"exp\":9223372036854776000}"))).isEqualTo(Kind.INVALID);
    assertThat(connectFailure(rawToken("{\"sub\":\"a\",\"exp\":9223372036854775807}"))).isEqualTo(Kind.INVALID);
  }

  @Test
  void absurdFloatExpIsInvalidInsteadOfAnExpiryThatOverflows() throws Exception {
    // exp 1e30 saturated to Long.MAX_VALUE, and the connection's expiry check (exp + grace) overflowed: 3005 within a second.
    assertThat(connectFailure(rawToken("{\"sub\":\"a\",\"exp\":1e30}"))).isEqualTo(Kind.INVALID);
    assertThat(connectFailure(rawToken("{\"sub\":\"a\",\"expire_at\":1e30}"))).isEqualTo(Kind.INVALID);
    assertThat(connectFailure(rawToken("{\"sub\":\"a\",\"nbf\":-1e30}"))).isEqualTo(Kind.INVALID);
    assertThat(connectFailure(rawToken("{\"sub\":\"a\",\"exp\":253402300800}"))).isEqualTo(Kind.INVALID);
  }

  @Test
  void nonIntegralOrMistypedDatesAreInvalid() throws Exception {
    assertThat(connectFailure(rawToken("{\"sub\":\"a\",\"exp\":" + (NOW + 60) + ".5}"))).isEqualTo(Kind.INVALID);
    assertThat(connectFailure(rawToken("{\"sub\":\"a\",\"nbf\":" + NOW + ".25}"))).isEqualTo(Kind.INVALID);
    assertThat(connectFailure(rawToken("{\"sub\":\"a\",\"iat\":1.5}"))).isEqualTo(Kind.INVALID);
    assertThat(connectFailure(rawToken("{\"sub\":\"a\",\"iat\":\"yesterday\"}"))).isEqualTo(Kind.INVALID);
    assertThat(connectFailure(rawToken("{\"sub\":\"a\",\"expire_at\":" + NOW + ".5}"))).isEqualTo(Kind.INVALID);
  }

  @Test
  void wholeNumbersWrittenAsFloatsAndTheLastSaneDateAreAccepted() throws Exception {
    assertThat(verifier.verifyConnect(rawToken("{\"sub\":\"a\",\"exp\":1.70000006e9}"), NOW).expiresAt()).isEqualTo(NOW + 60);
    assertThat(verifier.verifyConnect(rawToken("{\"sub\":\"a\",\"exp\":253402300799}"), NOW).expiresAt()).isEqualTo(253_402_300_799L);
    assertThat(verifier.verifyConnect(rawToken("{\"sub\":\"a\",\"iat\":" + NOW + "}"), NOW).user()).isEqualTo("a");
    // Centrifugo: a negative expire_at, like 0, means the connection never expires.
    assertThat(verifier.verifyConnect(rawToken("{\"sub\":\"a\",\"expire_at\":-5}"), NOW).expiresAt()).isZero();
  }

  // ---- canonical base64url (issue 15 item 14) --------------------------------------------------

  @Test
  void paddedSegmentsAreInvalidEvenWhenCorrectlySigned() throws Exception {
    // {"sub":"ab"} is 12 bytes: no padding; {"sub":"abc"} is 13 bytes: "==" with padding.
    String header = B64.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8));
    String paddedPayload = Base64.getUrlEncoder().encodeToString("{\"sub\":\"abc\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(paddedPayload).endsWith("=");
    assertThat(connectFailure(signed(header + "." + paddedPayload))).isEqualTo(Kind.INVALID);

    String good = rawToken("{\"sub\":\"abc\"}");
    String[] p = good.split("\\.");
    assertThat(connectFailure(p[0] + "." + p[1] + "." + p[2] + "=")).isEqualTo(Kind.INVALID);
  }

  @Test
  void nonCanonicalTrailingBitsInTheSignatureAreInvalid() throws Exception {
    String good = rawToken("{\"sub\":\"abc\"}");
    String sig = good.substring(good.lastIndexOf('.') + 1);
    assertThat(sig).hasSize(43); // 32 bytes: the last character carries 2 unused bits
    char last = sig.charAt(42);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char sameBytes = alphabet.charAt(alphabet.indexOf(last) | 1);
    String twin = good.substring(0, good.length() - 1) + sameBytes;
    assertThat(Base64.getUrlDecoder().decode(twin.substring(twin.lastIndexOf('.') + 1)))
        .isEqualTo(Base64.getUrlDecoder().decode(sig)); // the same signature bytes, spelt differently

    assertThat(verifier.verifyConnect(good, NOW).user()).isEqualTo("abc");
    assertThat(connectFailure(twin)).isEqualTo(Kind.INVALID);
  }

  @Test
  void standardAlphabetIsInvalid() throws Exception {
    String good = rawToken("{\"sub\":\"abc\"}");
    String std = good.replace('-', '+').replace('_', '/');
    if (!std.equals(good)) assertThat(connectFailure(std)).isEqualTo(Kind.INVALID);
    assertThat(connectFailure(good.replace(".", ".+"))).isEqualTo(Kind.INVALID);
  }
}
