package io.rebound.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.Node;
import io.rebound.config.ConfigLoader;
import io.rebound.protocol.Disconnect;
import io.rebound.testing.Await;
import io.rebound.testing.Ports;
import io.rebound.testing.RedisServer;
import io.rebound.testing.TcpProxy;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis ledger with real nodes on a real redis-server, driven through each node's {@link
 * LifecycleListener}: a node cut off from Redis (its heartbeat expires) has its sessions reported by
 * the survivor that wins the claim, each exactly once; a node that stops with undelivered
 * disconnects has them delivered by a survivor, with their own code. (The same with real clients and
 * kill -9 in separate processes: {@code WebhookNodeKillIT}.)
 */
class RedisDeadNodeIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String TTL = "2s";

  private RedisServer redis;
  private Vertx vertx;
  private WebhookBackend backend;
  private final List<Node> nodes = new ArrayList<>();

  @BeforeEach
  void start() {
    redis = RedisServer.startVolatile();
    vertx = Vertx.vertx();
    backend = WebhookBackend.start(vertx);
  }

  @AfterEach
  void stop() {
    for (Node n : nodes) {
      try {
        Await.result(n.close(), 30);
      } catch (AssertionError alreadyClosed) {
        // closed by the test
      }
    }
    backend.close();
    Await.result(vertx.close(), 30);
    redis.close();
  }

  private Node node(String name, int redisPort) {
    String config = """
        {"port": %d, "name": "%s", "token_hmac_secret_key": "webhook-secret", "api_key": "k", "engine": "redis",
         "redis_address": "redis://127.0.0.1:%d", "webhook_endpoint": "%s", "webhook_timeout": "1s",
         "webhook_retry_max_backoff": "500ms", "webhook_node_ttl": "%s"}
        """.formatted(Ports.free(), name, redisPort, backend.url(), TTL);
    Node n = Await.result(Node.start(ConfigLoader.parse(config)), 60);
    nodes.add(n);
    return n;
  }

  private static List<String> clients(String prefix, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(prefix + "-" + i + "-" + UUID.randomUUID());
    return out;
  }

  private static boolean disconnectOf(JsonNode e, List<String> clients) {
    return e.path("type").asText().equals("disconnect") && clients.contains(e.path("client").asText());
  }

  @Test
  void aNodeWhoseHeartbeatExpiresHasItsSessionsReportedExactlyOnceByOneSurvivor() {
    TcpProxy cut = TcpProxy.start(vertx, List.of(redis.port()));
    Node doomed = node("doomed", cut.port());
    node("survivor-1", redis.port());
    node("survivor-2", redis.port());
    List<String> clients = clients("cut-off", 20);
    for (String c : clients) {
      doomed.lifecycle().connected("u-" + c, c);
      doomed.lifecycle().subscribed("u-" + c, c, "news");
    }
    backend.await("connect and subscribe of every session", 40, e -> clients.contains(e.path("client").asText()), WAIT);

    try (LogCapture log = new LogCapture()) {
      long cutAt = System.nanoTime();
      cut.hold(); // new connections wait forever
      cut.dropAll(); // and the open ones are gone: the node's heartbeat stops
      List<JsonNode> lost = backend.await("a disconnect for each session", 20, e -> disconnectOf(e, clients), WAIT);
      System.out.printf("webhook: 20 disconnects of a node cut off from Redis reported %d ms after the cut (webhook_node_ttl %s)%n",
          (System.nanoTime() - cutAt) / 1_000_000, TTL);
      assertThat(lost).allMatch(e -> e.path("reason").asText().equals("node lost") && e.path("node").asText().equals("doomed"));
      assertThat(lost).allMatch(e -> e.path("channels").size() == 1 && e.path("channels").get(0).asText().equals("news"));

      // Filtered by the doomed node's name: on a loaded machine a survivor, too, can stay silent past the 2 s ttl, lapse
      // and be reported (it has no sessions); the full suite failed so once at load 30 while waiting for exactly one line.
      // The claim is released before the node comes back: a node that returns while a survivor still holds the claim on
      // its heartbeat key finds the key present and does not notice its lapse (a window README states); two full
      // suites failed so, waiting for the lapse line after an early release.
      Await.until("the claim is released", WAIT, () -> log.lines("event=webhook_dead_node_reported node=doomed ").size() == 1);
      cut.release(); // the node is back: it learns it was taken for dead
      Await.until("the node says it was taken for dead", WAIT, () -> log.lines("event=webhook_heartbeat_lapsed node=doomed ").size() == 1);
      // Two survivors scanned all along: one claim, so not a single duplicate was sent.
      assertThat(backend.events().stream().filter(e -> disconnectOf(e, clients))).hasSize(20);
      assertThat(log.lines("event=webhook_dead_node node=doomed ")).hasSize(1);
    }
  }

  @Test
  void disconnectsANodeCouldNotDeliverBeforeItStoppedAreDeliveredByASurvivor() {
    node("survivor", redis.port());
    Node leaving = node("leaving", redis.port());
    List<String> clients = clients("leaving", 5);
    clients.forEach(c -> leaving.lifecycle().connected("u-" + c, c));
    backend.await("the connects", 5, e -> clients.contains(e.path("client").asText()), WAIT);

    backend.mode(WebhookBackend.Mode.FAIL);
    clients.forEach(c -> leaving.lifecycle().disconnected("u-" + c, c, Disconnect.FORCE_DISCONNECT));
    Await.result(leaving.close(), 30);
    backend.mode(WebhookBackend.Mode.OK);

    List<JsonNode> got = backend.await("the disconnects from the survivor", 5, e -> disconnectOf(e, clients), WAIT);
    assertThat(got).allMatch(e -> e.path("code").asInt() == 3503 && e.path("node").asText().equals("leaving"));
  }
}
