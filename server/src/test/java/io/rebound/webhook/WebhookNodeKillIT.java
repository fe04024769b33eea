package io.rebound.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.auth.JwtSigner;
import io.rebound.testing.Await;
import io.rebound.testing.NodeProcess;
import io.rebound.testing.Ports;
import io.rebound.testing.ProcessCluster;
import io.rebound.testing.RawClient;
import io.rebound.testing.RedisServer;
import io.rebound.testing.RepoFiles;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The check, with node PROCESSES and kill -9: the node holding 50 connections dies without a
 * goodbye, and the backend still receives a disconnect for every one of them, each exactly once after
 * de-duplication by event id — from a Hazelcast survivor (3 nodes) and from a Redis survivor (2 nodes
 * on a real redis-server). Prints how long after the kill the last disconnect arrived.
 */
class WebhookNodeKillIT {

  private static final String SECRET = "webhook-kill-secret-long-enough";
  private static final String API_KEY = "webhook-kill-key";
  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int CONNECTIONS = 50;

  private final JwtSigner signer = new JwtSigner(SECRET);
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<RawClient> clients = new ArrayList<>();
  private final Thread reaper = new Thread(() -> nodes.forEach(NodeProcess::close), "webhook-kill-reaper");
  private ProcessCluster cluster;
  private Vertx vertx;
  private WebhookBackend backend;
  private RedisServer redis;
  private Path dir;

  @BeforeEach
  void start() throws IOException {
    Runtime.getRuntime().addShutdownHook(reaper); // children must not outlive a JVM that dies before @AfterEach
    vertx = Vertx.vertx();
    backend = WebhookBackend.start(vertx);
    dir = Files.createTempDirectory("rebound-webhook-kill-");
  }

  @AfterEach
  void stop() {
    clients.forEach(RawClient::close);
    nodes.forEach(NodeProcess::close);
    if (cluster != null) cluster.close();
    Runtime.getRuntime().removeShutdownHook(reaper);
    backend.close();
    Await.result(vertx.close(), 30);
    if (redis != null) redis.close();
  }

  private String configJson(String engineKeys) {
    return """
        {"token_hmac_secret_key": "%s", "api_key": "%s", %s,
         "webhook_endpoint": "%s", "webhook_timeout": "2s", "webhook_retry_max_backoff": "1s",
         "namespaces": [{"name": "chat", "allow_subscribe_for_client": true}]}
        """.formatted(SECRET, API_KEY, engineKeys, backend.url());
  }

  private NodeProcess node(String name, Path config, Path clusterXml) {
    NodeProcess n = new NodeProcess(name, Ports.free(), config, clusterXml, API_KEY);
    nodes.add(n);
    n.start();
    return n;
  }

  /** 50 clients on {@code node}, each subscribed to one of five channels; returns client id → channel. */
  private Map<String, String> fiftyClients(NodeProcess node) {
    Map<String, String> channelOf = new java.util.HashMap<>();
    for (int i = 0; i < CONNECTIONS; i++) {
      RawClient c = RawClient.connected(vertx, node.port(), signer.connectionToken("user-" + i, 3600));
      clients.add(c);
      String channel = "chat:room-" + (i % 5);
      JsonNode sub = c.call(2, "subscribe", "{\"channel\":\"" + channel + "\"}");
      assertThat(sub.has("error")).as("subscribe: %s", sub).isFalse();
      channelOf.put(c.reply(1).path("connect").path("client").asText(), channel);
    }
    Set<String> ids = channelOf.keySet();
    backend.await("connect and subscribe of all 50", 2 * CONNECTIONS, e -> ids.contains(e.path("client").asText()), WAIT);
    return channelOf;
  }

  /** Kills {@code victim} and checks that every one of its sessions gets exactly one distinct disconnect. */
  private void killAndExpectEveryDisconnect(NodeProcess victim, Map<String, String> channelOf, String engine) {
    String victimName = victim.health().path("node").asText();
    long killedAt = System.nanoTime();
    victim.kill();
    Set<String> ids = channelOf.keySet();
    backend.await("a disconnect for each of the 50 connections of " + victim.name(), CONNECTIONS,
        e -> ids.contains(e.path("client").asText()) && e.path("type").asText().equals("disconnect"), WAIT);
    long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
    System.out.printf("webhook (%s): disconnects of all %d connections of a kill -9'd node arrived %d ms after the kill%n",
        engine, CONNECTIONS, tookMs);

    List<JsonNode> all = backend.events().stream().filter(e -> ids.contains(e.path("client").asText())).toList();
    Map<String, Set<String>> disconnectIdsByClient = all.stream().filter(e -> e.path("type").asText().equals("disconnect"))
        .collect(Collectors.groupingBy(e -> e.path("client").asText(), Collectors.mapping(e -> e.path("id").asText(), Collectors.toSet())));
    assertThat(disconnectIdsByClient.keySet()).isEqualTo(ids);
    assertThat(disconnectIdsByClient.values()).as("one disconnect per connection after de-duplication by id").allMatch(s -> s.size() == 1);
    for (String client : ids) {
      assertThat(backend.story(client)).containsExactly("connect", "subscribe:" + channelOf.get(client), "disconnect");
      JsonNode d = backend.of(client).get(2);
      assertThat(d.path("reason").asText()).isEqualTo("node lost");
      assertThat(d.path("node").asText()).isEqualTo(victimName);
      assertThat(d.path("channels")).extracting(JsonNode::asText).containsExactly(channelOf.get(client));
    }
    long copies = all.stream().filter(e -> e.path("type").asText().equals("disconnect")).count();
    System.out.printf("webhook (%s): %d disconnect events received for %d connections (duplicates are dropped by id)%n", engine, copies, CONNECTIONS);
  }

  @Test
  void hazelcastAMemberKilledWithFiftyConnectionsHasEachReportedOnce() {
    cluster = ProcessCluster.start("webhook-kill", 3, configJson("\"engine\": \"hazelcast\""), API_KEY); // 5 s failure detection
    NodeProcess victim = cluster.node(2);
    killAndExpectEveryDisconnect(victim, fiftyClients(victim), "hazelcast, failure detection 5 s");
  }

  @Test
  void redisANodeKilledWithFiftyConnectionsHasEachReportedOnce() throws IOException {
    redis = RedisServer.startVolatile();
    Path config = dir.resolve("config.json");
    Files.writeString(config, configJson("\"engine\": \"redis\", \"redis_address\": \"" + redis.address() + "\", \"webhook_node_ttl\": \"3s\""));
    Path unusedClusterXml = dir.resolve("cluster.xml");
    Files.writeString(unusedClusterXml, Files.readString(RepoFiles.path("cluster.xml")));
    NodeProcess survivor = node("redis-1", config, unusedClusterXml);
    NodeProcess victim = node("redis-2", config, unusedClusterXml);
    Await.until("redis-1 up", START, () -> survivor.health() != null);
    Await.until("redis-2 up", START, () -> victim.health() != null);

    killAndExpectEveryDisconnect(victim, fiftyClients(victim), "redis, webhook_node_ttl 3 s");
  }
}
