package io.rebound.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.testing.Await;
import io.rebound.testing.RawClient;
import io.rebound.testing.RunningNode;
import io.vertx.core.Vertx;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Asymmetric tokens end to end: a real node whose JWKS endpoint is a real HTTP server in this test
 * that rotates its key while the node runs, an ECDSA PEM key and the HMAC secret beside it, driven
 * over real WebSockets frame by frame.
 */
class AsymmetricTokensIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Long enough for a fetch held back by the 5 s refresh rate limit, on a loaded machine. */
  private static final Duration JWKS_WAIT = Duration.ofSeconds(30);
  private static final KeyPair P256 = TestKeys.ec("secp256r1");

  private static Vertx vertx;
  private static JwksServer jwks;
  private static RunningNode node;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    jwks = JwksServer.start(vertx).serve(TestKeys.jwks(TestKeys.jwk(TestKeys.rsa(2048).getPublic(), "at-start", "RS256")));
    ObjectNode config = JSON.createObjectNode()
        .put("token_jwks_public_endpoint", jwks.url())
        .put("token_ecdsa_public_key", TestKeys.pem(P256.getPublic()))
        .put("allow_subscribe_for_client", true);
    node = RunningNode.start(config.toString());
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
    if (jwks != null) jwks.close();
    if (vertx != null) Await.result(vertx.close());
  }

  private static String rs256(KeyPair key, String kid, String user) {
    return JwtSigner.asymmetric("RS256", key.getPrivate(), kid).sign(Map.of("sub", user, "exp", System.currentTimeMillis() / 1000 + 600));
  }

  /** Sends a connect with {@code token}; the reply (connect or error), or null when the server closed instead. */
  private static JsonNode connect(RawClient c, String token) {
    c.send("{\"id\":1,\"connect\":{\"token\":\"" + token + "\"}}");
    Await.until("connect reply or close", JWKS_WAIT, () -> c.isClosed() || !c.received().isEmpty());
    return c.received().isEmpty() ? null : c.received().get(0);
  }

  private static void assertConnects(String token) {
    try (RawClient c = RawClient.open(vertx, node.port())) {
      JsonNode reply = connect(c, token);
      assertThat(reply).as("connect reply (closed with %s %s)", c.isClosed() ? c.awaitClose() : null, c.closeReason()).isNotNull();
      assertThat(reply.path("connect").path("client").asText()).as("reply %s", reply).isNotEmpty();
      assertThat(c.isClosed()).isFalse();
    }
  }

  private static void assertClosedInvalidToken(String token) {
    try (RawClient c = RawClient.open(vertx, node.port())) {
      assertThat(connect(c, token)).isNull();
      assertThat(c.awaitClose(JWKS_WAIT)).isEqualTo((short) 3500);
      assertThat(c.closeReason()).isEqualTo("invalid token");
    }
  }

  @Test
  void jwksKeyRotationWorksWithoutRestart() {
    KeyPair key1 = TestKeys.rsa(2048);
    KeyPair key2 = TestKeys.rsa(2048);
    jwks.serve(TestKeys.jwks(TestKeys.jwk(key1.getPublic(), "rotation-1", "RS256")));
    assertConnects(rs256(key1, "rotation-1", "alice"));

    // The provider rotates: key 2 under a new kid, key 1 withdrawn. No restart of the node.
    jwks.serve(TestKeys.jwks(TestKeys.jwk(key2.getPublic(), "rotation-2", "RS256")));
    assertConnects(rs256(key2, "rotation-2", "bob"));
    assertConnects(rs256(key2, "rotation-2", "carol"));

    // The set fetched for key 2 no longer has key 1: its tokens stop working.
    assertClosedInvalidToken(rs256(key1, "rotation-1", "alice"));
  }

  @Test
  void ecdsaPemKeyAndHmacSecretWorkBesideTheJwksEndpoint() {
    assertConnects(JwtSigner.asymmetric("ES256", P256.getPrivate(), null).sign(Map.of("sub", "erin")));
    assertConnects(node.token("hank"));
  }

  @Test
  void aTokenWhoseAlgorithmHasNoKeyIsClosedWithInvalidToken() {
    // ES384 needs a P-384 key, and only a P-256 one is configured.
    assertClosedInvalidToken(JwtSigner.asymmetric("ES384", TestKeys.ec("secp384r1").getPrivate(), null).sign(Map.of("sub", "x")));
    // RS256 without kid: the node has no RSA PEM key, and the JWKS set needs a kid.
    assertClosedInvalidToken(rs256(TestKeys.rsa(2048), null, "x"));
  }

  @Test
  void anAbsurdExpIsRefusedAtConnectInsteadOfExpiringTheConnection() {
    // Before: connected, then closed with 3005 "expired" within a second (exp + grace overflowed).
    assertClosedInvalidToken(node.sign(Map.of("sub", "a", "exp", 1e30)));
  }

  @Test
  void whileTheJwksEndpointIsDownCachedKeysConnectAndUnknownKidsGetATemporaryError() {
    KeyPair key = TestKeys.rsa(2048);
    jwks.serve(TestKeys.jwks(TestKeys.jwk(key.getPublic(), "outage-1", "RS256")));
    assertConnects(rs256(key, "outage-1", "dave")); // fetched and cached
    jwks.mode(JwksServer.Mode.FAIL_503);
    try {
      assertConnects(rs256(key, "outage-1", "dave"));
      try (RawClient c = RawClient.open(vertx, node.port())) {
        JsonNode reply = connect(c, rs256(TestKeys.rsa(2048), "outage-unknown", "eve"));
        assertThat(reply).as("a reply, not a close").isNotNull();
        assertThat(reply.path("error").path("code").asInt()).isEqualTo(100);
        assertThat(reply.path("error").path("temporary").asBoolean()).isTrue();
      }
    } finally {
      jwks.mode(JwksServer.Mode.SERVE);
    }
  }

  @Test
  void subscriptionTokensFromTheJwksEndpoint() {
    KeyPair key = TestKeys.rsa(2048);
    jwks.serve(TestKeys.jwks(TestKeys.jwk(key.getPublic(), "subs-1", "RS256")));
    try (RawClient c = RawClient.connected(vertx, node.port(), node.token("frank"))) {
      String good = JwtSigner.asymmetric("RS256", key.getPrivate(), "subs-1").sign(Map.of("sub", "frank", "channel", "$secret"));
      c.send("{\"id\":2,\"subscribe\":{\"channel\":\"$secret\",\"token\":\"" + good + "\"}}");
      JsonNode subscribed = c.awaitCount("subscribe reply", 1, n -> n.path("id").asLong() == 2, JWKS_WAIT).get(0);
      assertThat(subscribed.has("subscribe")).as("reply %s", subscribed).isTrue();

      String noKey = JwtSigner.asymmetric("ES384", TestKeys.ec("secp384r1").getPrivate(), null)
          .sign(Map.of("sub", "frank", "channel", "$other"));
      JsonNode refused = c.call(3, "subscribe", "{\"channel\":\"$other\",\"token\":\"" + noKey + "\"}");
      assertThat(refused.path("error").path("code").asInt()).isEqualTo(103);
      assertThat(c.isClosed()).isFalse();
    }
  }
}
