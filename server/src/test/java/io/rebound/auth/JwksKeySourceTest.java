package io.rebound.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.auth.TokenException.Kind;
import io.rebound.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JWKS cache against a real HTTP server: rotation, rate limit, outages, bounds. */
class JwksKeySourceTest {

  private static final KeyPair K1 = TestKeys.rsa(2048);
  private static final KeyPair K2 = TestKeys.rsa(2048);
  private static final KeyPair EC = TestKeys.ec("secp256r1");
  private static final Duration MIN_REFRESH = Duration.ofMillis(300);

  private static Vertx vertx;
  private JwksServer server;
  private JwksKeySource source;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    Await.result(vertx.close());
  }

  @BeforeEach
  void startServer() {
    server = JwksServer.start(vertx).serve(TestKeys.jwks(TestKeys.jwk(K1.getPublic(), "k1", "RS256")));
    source = source(1 << 20, 100);
  }

  @AfterEach
  void stop() {
    Await.result(source.close());
    server.close();
  }

  private JwksKeySource source(int maxBytes, int maxWaiting) {
    return new JwksKeySource(vertx, server.url(), Duration.ofMillis(700), MIN_REFRESH, Duration.ofHours(1), maxBytes, maxWaiting);
  }

  private static TokenException refusal(Future<?> f) {
    Throwable t = Await.failure(f);
    assertThat(t).isInstanceOf(TokenException.class);
    return (TokenException) t;
  }

  @Test
  void aPrefetchedKeyIsFoundWithoutFurtherRequests() {
    Await.result(source.prefetch());
    for (int i = 0; i < 100; i++) assertThat(source.cached("k1", JwsAlgorithm.RS256)).isNotNull();

    assertThat(source.cached("k1", JwsAlgorithm.ES256)).isNull(); // an RSA key never checks ECDSA
    assertThat(server.requests()).isEqualTo(1);
  }

  @Test
  void aRotatedKeyIsFetchedOnItsFirstUseAndTheWithdrawnOneStopsWorking() {
    Await.result(source.prefetch());
    server.serve(TestKeys.jwks(TestKeys.jwk(K2.getPublic(), "k2", null), TestKeys.jwk(EC.getPublic(), "e1", "ES256")));

    assertThat(source.cached("k2", JwsAlgorithm.RS256)).isNull();
    Jwk k2 = Await.result(source.fetch("k2", JwsAlgorithm.RS256));

    assertThat(k2.key()).isEqualTo(K2.getPublic());
    assertThat(source.cached("e1", JwsAlgorithm.ES256)).isNotNull();
    assertThat(source.cached("k1", JwsAlgorithm.RS256)).isNull();
    assertThat(refusal(source.fetch("k1", JwsAlgorithm.RS256)).kind()).isEqualTo(Kind.INVALID);
  }

  @Test
  void aBurstOfUnknownKidsCausesOneFetchPerInterval() {
    Await.result(source.prefetch());
    List<Future<Jwk>> burst = new ArrayList<>();
    for (int i = 0; i < 50; i++) burst.add(source.fetch("random-" + i, JwsAlgorithm.RS256));

    for (Future<Jwk> f : burst) {
      TokenException e = refusal(f);
      assertThat(e.kind()).isEqualTo(Kind.INVALID);
      assertThat(e.getMessage()).startsWith("unknown kid");
    }
    assertThat(server.requests()).isBetween(2, 3);
  }

  @Test
  void whileTheEndpointIsDownCachedKeysWorkAndUnknownKidsAreTemporaryFailures() {
    Await.result(source.prefetch());
    server.mode(JwksServer.Mode.FAIL_503);

    TokenException e = refusal(source.fetch("k9", JwsAlgorithm.RS256));
    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e.getMessage()).contains("HTTP 503");
    assertThat(source.cached("k1", JwsAlgorithm.RS256)).isNotNull();

    server.serve(TestKeys.jwks(TestKeys.jwk(K1.getPublic(), "k1", null), TestKeys.jwk(K2.getPublic(), "k9", null)));
    assertThat(Await.result(source.fetch("k9", JwsAlgorithm.RS256)).key()).isEqualTo(K2.getPublic());
  }

  @Test
  void aHangingEndpointTimesOut() {
    server.mode(JwksServer.Mode.HANG);
    long start = System.nanoTime();

    TokenException e = refusal(source.fetch("k1", JwsAlgorithm.RS256));

    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e.getMessage()).contains("no complete answer within 700 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
  }

  @Test
  void anOversizedAnswerIsRefusedWithAndWithoutContentLength() {
    Await.result(source.close());
    source = source(2048, 100);
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 10; i++) big.append(TestKeys.jwk(K1.getPublic(), "k" + i, null)).append(',');
    String doc = "{\"keys\":[" + big + TestKeys.jwk(K1.getPublic(), "last", null) + "]}";
    server.serve(doc);

    assertThat(refusal(source.fetch("k1", JwsAlgorithm.RS256)).getMessage()).contains("over 2048");
    server.mode(JwksServer.Mode.CHUNKED);
    assertThat(refusal(source.fetch("k1", JwsAlgorithm.RS256)).getMessage()).contains("over 2048 bytes");
  }

  @Test
  void garbageIsNotAKeySetAndKeepsThePreviousKeys() {
    Await.result(source.prefetch());
    server.serve("<html>login</html>");

    TokenException e = refusal(source.fetch("k2", JwsAlgorithm.RS256));
    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e.getMessage()).contains("not a usable JWKS");
    assertThat(source.cached("k1", JwsAlgorithm.RS256)).isNotNull();
  }

  @Test
  void waitingTokensAreBounded() {
    Await.result(source.close());
    source = source(1 << 20, 2);
    server.mode(JwksServer.Mode.HANG);
    Future<Jwk> a = source.fetch("a", JwsAlgorithm.RS256);
    Future<Jwk> b = source.fetch("b", JwsAlgorithm.RS256);
    Future<Jwk> c = source.fetch("c", JwsAlgorithm.RS256);

    assertThat(c.failed()).isTrue();
    assertThat(refusal(c).getMessage()).contains("too many tokens are waiting");
    assertThat(refusal(a).kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(refusal(b).kind()).isEqualTo(Kind.UNAVAILABLE);
  }

  @Test
  void unusableEntriesAreSkippedAndJwkAlgRestrictsTheKey() {
    String doc = "{\"keys\":[" + TestKeys.jwk(K1.getPublic(), "rs384-only", "RS384") + ","
        + TestKeys.jwk(K2.getPublic(), "enc", null).put("use", "enc") + ","
        + TestKeys.jwk(TestKeys.rsa(1024).getPublic(), "short", null) + ","
        + TestKeys.jwk(K2.getPublic(), "hs", "HS256") + ","
        + "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"ed\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"},"
        + TestKeys.jwk(EC.getPublic(), "", null) + ","
        + TestKeys.jwk(EC.getPublic(), "ec", null) + "]}";
    JwkSet set = JwkSet.parse(doc.getBytes(StandardCharsets.UTF_8));

    assertThat(set.keys().keySet()).containsExactlyInAnyOrder("rs384-only", "ec");
    assertThat(set.skipped()).isEqualTo(5);
    assertThat(set.find("rs384-only", JwsAlgorithm.RS384)).isNotNull();
    assertThat(set.find("rs384-only", JwsAlgorithm.RS256)).isNull();
    assertThat(set.find("ec", JwsAlgorithm.ES256)).isNotNull();
    assertThat(set.find("ec", JwsAlgorithm.ES384)).isNull(); // P-256 checks ES256 only
  }

  @Test
  void theVerifierChecksJwksTokensAsynchronouslyAndNeverWaitsInTheSynchronousCall() {
    JwtVerifier verifier = JwtVerifier.create(vertx, new TokenSettings("", "", "", server.url(), "", "", "", ""), null);
    try {
      String rs = JwtSigner.asymmetric("RS256", K1.getPrivate(), "k1").sign(Map.of("sub", "alice"));
      long now = System.currentTimeMillis() / 1000;
      // Nothing fetched yet: the synchronous call does not wait, it says "not yet" (and starts the fetch).
      TokenException notYet = null;
      try {
        verifier.verifyConnect(rs, now);
      } catch (TokenException e) {
        notYet = e;
      }
      assertThat(notYet).isNotNull();
      assertThat(notYet.kind()).isEqualTo(Kind.UNAVAILABLE);

      assertThat(Await.result(verifier.verifyConnectAsync(rs, now)).user()).isEqualTo("alice");
      Await.until("the key is cached", Duration.ofSeconds(10), () -> {
        try {
          return verifier.verifyConnect(rs, now).user().equals("alice");
        } catch (TokenException e) {
          return false;
        }
      });
      String noKid = JwtSigner.asymmetric("RS256", K1.getPrivate(), null).sign(Map.of("sub", "alice"));
      assertThat(refusal(verifier.verifyConnectAsync(noKid, now)).getMessage()).contains("no kid");
    } finally {
      Await.result(verifier.close());
    }
  }
}
