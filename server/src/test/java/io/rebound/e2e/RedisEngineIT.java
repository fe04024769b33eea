package io.rebound.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.ApiClient;
import io.rebound.testing.Await;
import io.rebound.testing.ClientVertx;
import io.rebound.testing.Closer;
import io.rebound.testing.RawClient;
import io.rebound.testing.RedisExtension;
import io.rebound.testing.RunningNode;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code engine: redis} end to end: nodes that share nothing but a real Redis server carry
 * publications between each other, keep history across a restart of every node, and survive Redis
 * going away (publish answers a clear error fast, clients stay connected, the node heals by itself).
 */
class RedisEngineIT {

  private static final String CONFIG = """
      {"engine": "redis", "redis_address": "%s", "redis_command_timeout": "500ms", "redis_connect_timeout": "500ms",
       "namespaces": [{"name": "chat", "history_size": 100, "history_ttl": "600s", "force_recovery": true,
                       "allow_subscribe_for_client": true, "allow_publish_for_client": true}]}
      """;

  @RegisterExtension static final RedisExtension redis = RedisExtension.appendOnly();
  @RegisterExtension static final ClientVertx clients = new ClientVertx();
  @RegisterExtension final Closer open = new Closer();

  /** A node on the class's Redis, closed after the test. */
  private RunningNode node() {
    return open.add(RunningNode.start(CONFIG.formatted(redis.address())));
  }

  private static RawClient subscribed(RunningNode node, String channel) {
    RawClient c = RawClient.connected(clients.get(), node.port(), node.token("u-" + UUID.randomUUID()));
    c.subscribe(2, channel);
    return c;
  }

  private static List<Long> offsets(RawClient c, String channel, int n) {
    return c.awaitCount(n + " publications on " + channel, n,
            m -> RawClient.isPush(m, channel, "pub"))
        .stream().map(m -> m.path("push").path("pub").path("offset").asLong()).toList();
  }

  @Test
  void publicationsCrossNodesThroughRedisInOffsetOrder() {
    RunningNode a = node(), b = node();
    String ch = "chat:" + UUID.randomUUID();
    try (RawClient onA = subscribed(a, ch); RawClient onB = subscribed(b, ch)) {
      ApiClient apiA = a.http(), apiB = b.http();
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
    RunningNode first = node();
    JsonNode p1 = first.http().ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"n\":1}}");
    String epoch = p1.path("epoch").asText();
    // Every node stops (a full restart); publications keep being made through the new node.
    first.close();
    RunningNode again = node();
    ApiClient api = again.http();
    for (int n = 2; n <= 4; n++) api.ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"n\":" + n + "}}");
    try (RawClient back = RawClient.connected(clients.get(), again.port(), again.token("returning"))) {
      JsonNode sub = back.call(2, "subscribe", "{\"channel\":\"" + ch + "\",\"recover\":true,\"offset\":1,\"epoch\":\"" + epoch + "\"}").path("subscribe");
      assertThat(sub.path("recovered").asBoolean()).as("recovered after a full restart: %s", sub).isTrue();
      assertThat(sub.path("epoch").asText()).isEqualTo(epoch);
      assertThat(sub.path("publications").findValuesAsText("offset")).containsExactly("2", "3", "4");
    }
  }

  @Test
  void redisOutageFailsPublishFastKeepsClientsAndHealsByItself() {
    RunningNode a = node();
    String ch = "chat:" + UUID.randomUUID();
    ApiClient api = a.http();
    try (RawClient client = subscribed(a, ch)) {
      api.ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"n\":1}}");
      redis.server().stop();
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
        redis.server().start();
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
    RunningNode a = node();
    String ch = "chat:" + UUID.randomUUID();
    ApiClient api = a.http();
    JsonNode p = api.ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"n\":1}}");
    redis.server().restartEmpty();
    Await.until("publish works after Redis restart", Duration.ofSeconds(20),
        () -> api.call("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"n\":2}}").error() == null);
    try (RawClient back = RawClient.connected(clients.get(), a.port(), a.token("returning"))) {
      JsonNode sub = back.call(2, "subscribe", "{\"channel\":\"" + ch + "\",\"recover\":true,\"offset\":1,\"epoch\":\"" + p.path("epoch").asText() + "\"}").path("subscribe");
      assertThat(sub.path("was_recovering").asBoolean()).isTrue();
      assertThat(sub.path("recovered").asBoolean()).as("never a wrong replay: %s", sub).isFalse();
      assertThat(sub.path("epoch").asText()).isNotEqualTo(p.path("epoch").asText());
      assertThat(sub.has("publications")).isFalse();
    }
  }
}
