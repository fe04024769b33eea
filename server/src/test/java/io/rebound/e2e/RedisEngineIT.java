package io.rebound.e2e;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.Node;
import io.rebound.auth.JwtSigner;
import io.rebound.testing.ApiClient;
import io.rebound.testing.Await;
import io.rebound.testing.RawClient;
import io.rebound.testing.RedisServer;
import io.rebound.testing.TestNode;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code engine: redis} end to end: nodes that share nothing but a real Redis server carry
 * publications between each other, keep history across a restart of every node, and survive Redis
 * going away (publish answers a clear error fast, clients stay connected, the node heals by itself).
 */
class RedisEngineIT {

  private static final String SECRET = "redis-it-secret";
  private static final String KEY = "redis-it-key";
  private static RedisServer redis;
  private static Vertx clients;
  private final List<Node> nodes = new ArrayList<>();

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start(true);
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stopRedis() {
    if (clients != null) result(clients.close());
    if (redis != null) redis.close();
  }

  @AfterEach
  void stopNodes() {
    for (Node n : nodes) result(n.close().recover(e -> io.vertx.core.Future.succeededFuture()));
    nodes.clear();
  }

  private Node node() {
    Node n = TestNode.start("""
        {"port": PORT, "token_hmac_secret_key": "%s", "api_key": "%s", "engine": "redis",
         "redis_address": "%s", "redis_command_timeout": "500ms", "redis_connect_timeout": "500ms",
         "namespaces": [{"name": "chat", "history_size": 100, "history_ttl": "600s", "force_recovery": true,
                         "allow_subscribe_for_client": true, "allow_publish_for_client": true}]}
        """.formatted(SECRET, KEY, redis.address()));
    nodes.add(n);
    return n;
  }

  private static RawClient subscribed(Node node, String channel) {
    RawClient c = RawClient.connected(clients, node.port(), new JwtSigner(SECRET).connectionToken("u-" + UUID.randomUUID(), 3600));
    JsonNode reply = c.call(2, "subscribe", "{\"channel\":\"" + channel + "\"}");
    assertThat(reply.has("subscribe")).as("subscribe reply %s", reply).isTrue();
    return c;
  }

  private static List<Long> offsets(RawClient c, String channel, int n) {
    return c.awaitCount(n + " publications on " + channel, n,
            m -> m.has("push") && channel.equals(m.path("push").path("channel").asText()) && m.path("push").has("pub"))
        .stream().map(m -> m.path("push").path("pub").path("offset").asLong()).toList();
  }

  @Test
  void publicationsCrossNodesThroughRedisInOffsetOrder() {
    Node a = node(), b = node();
    String ch = "chat:" + UUID.randomUUID();
    try (RawClient onA = subscribed(a, ch); RawClient onB = subscribed(b, ch)) {
      ApiClient apiA = new ApiClient(a.port(), KEY), apiB = new ApiClient(b.port(), KEY);
      // Two publishers on two nodes at once: offsets are assigned by Redis, delivered in order everywhere.
      CompletableFuture<Void> fromA = CompletableFuture.runAsync(() -> { for (int i = 0; i < 100; i++) apiA.ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"from\":\"a\"}}"); });
      CompletableFuture<Void> fromB = CompletableFuture.runAsync(() -> { for (int i = 0; i < 100; i++) apiB.ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"from\":\"b\"}}"); });
      CompletableFuture.allOf(fromA, fromB).join();
      List<Long> expected = java.util.stream.LongStream.rangeClosed(1, 200).boxed().toList();
      assertThat(offsets(onA, ch, 200)).containsExactlyElementsOf(expected);
      assertThat(offsets(onB, ch, 200)).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void historySurvivesARestartOfEveryNode() {
    String ch = "chat:" + UUID.randomUUID();
    Node first = node();
    JsonNode p1 = new ApiClient(first.port(), KEY).ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"n\":1}}");
    String epoch = p1.path("epoch").asText();
    // Every node stops (a full restart); publications keep being made through the new node.
    result(first.close());
    nodes.clear();
    Node again = node();
    ApiClient api = new ApiClient(again.port(), KEY);
    for (int n = 2; n <= 4; n++) api.ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"n\":" + n + "}}");
    try (RawClient back = RawClient.connected(clients, again.port(), new JwtSigner(SECRET).connectionToken("returning", 3600))) {
      JsonNode sub = back.call(2, "subscribe", "{\"channel\":\"" + ch + "\",\"recover\":true,\"offset\":1,\"epoch\":\"" + epoch + "\"}").path("subscribe");
      assertThat(sub.path("recovered").asBoolean()).as("recovered after a full restart: %s", sub).isTrue();
      assertThat(sub.path("epoch").asText()).isEqualTo(epoch);
      assertThat(sub.path("publications").findValuesAsText("offset")).containsExactly("2", "3", "4");
    }
  }

  @Test
  void redisOutageFailsPublishFastKeepsClientsAndHealsByItself() {
    Node a = node();
    String ch = "chat:" + UUID.randomUUID();
    ApiClient api = new ApiClient(a.port(), KEY);
    try (RawClient client = subscribed(a, ch)) {
      api.ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"n\":1}}");
      redis.stop();
      try {
        long t0 = System.nanoTime();
        ApiClient.Response failed = api.call("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"n\":2}}");
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(failed.status()).isEqualTo(200);
        assertThat(failed.error().path("code").asInt()).as("temporary internal error, not a hang").isEqualTo(100);
        assertThat(failed.error().path("message").asText()).contains("unavailable");
        assertThat(tookMs).as("answered within the command timeout, not hung").isLessThan(5_000);
        assertThat(client.isClosed()).as("clients stay connected while Redis is away").isFalse();
      } finally {
        redis.start();
      }
      // The node reconnects by itself: publishing works again without a restart, and the subscriber
      // gets everything the API acknowledged, in order (the failed publish was never acknowledged).
      Await.until("publish works again", Duration.ofSeconds(20),
          () -> api.call("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"n\":3}}").error() == null);
      assertThat(offsets(client, ch, 2)).containsExactly(1L, 2L);
      JsonNode history = api.ok("history", "{\"channel\":\"" + ch + "\",\"limit\":10}");
      assertThat(history.path("publications").findValuesAsText("offset")).containsExactly("1", "2");
    }
  }

  @Test
  void redisThatLostItsDataGivesANewEpochAndRecoveredFalse() {
    Node a = node();
    String ch = "chat:" + UUID.randomUUID();
    ApiClient api = new ApiClient(a.port(), KEY);
    JsonNode p = api.ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"n\":1}}");
    redis.restartEmpty();
    Await.until("publish works after Redis restart", Duration.ofSeconds(20),
        () -> api.call("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"n\":2}}").error() == null);
    try (RawClient back = RawClient.connected(clients, a.port(), new JwtSigner(SECRET).connectionToken("returning", 3600))) {
      JsonNode sub = back.call(2, "subscribe", "{\"channel\":\"" + ch + "\",\"recover\":true,\"offset\":1,\"epoch\":\"" + p.path("epoch").asText() + "\"}").path("subscribe");
      assertThat(sub.path("was_recovering").asBoolean()).isTrue();
      assertThat(sub.path("recovered").asBoolean()).as("never a wrong replay: %s", sub).isFalse();
      assertThat(sub.path("epoch").asText()).isNotEqualTo(p.path("epoch").asText());
      assertThat(sub.has("publications")).isFalse();
    }
  }
}
