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
 * on a real redis-server). Prints how long after the kill the last disconnect arrived. And with
 * Hazelcast, a node killed while the backend is down: its disconnects arrive once the backend is back.
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

  /** {@code count} clients on {@code node}, each subscribed to one of five channels; returns client id → channel. */
  private Map<String, String> clientsOn(NodeProcess node, int count) {
    Map<String, String> channelOf = new java.util.HashMap<>();
    for (int i = 0; i < count; i++) {
      RawClient c = RawClient.connected(vertx, node.port(), signer.connectionToken("user-" + i, 3600));
      clients.add(c);
      String channel = "chat:room-" + (i % 5);
      JsonNode sub = c.call(2, "subscribe", "{\"channel\":\"" + channel + "\"}");
      assertThat(sub.has("error")).as("subscribe: %s", sub).isFalse();
      channelOf.put(c.reply(1).path("connect").path("client").asText(), channel);
    }
    Set<String> ids = channelOf.keySet();
    backend.await("connect and subscribe of all " + count, 2 * count, e -> ids.contains(e.path("client").asText()), WAIT);
    return channelOf;
  }

  /** Kills {@code victim} and checks that every one of its sessions gets exactly one distinct disconnect. */
  private void killAndExpectEveryDisconnect(NodeProcess victim, Map<String, String> channelOf, String engine) {
    String victimName = victim.health().path("node").asText();
    long killedAt = System.nanoTime();
    victim.kill();
    awaitOneDisconnectEach(victim, victimName, channelOf);
    long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
    System.out.printf("webhook (%s): disconnects of all %d connections of a kill -9'd node arrived %d ms after the kill%n",
        engine, channelOf.size(), tookMs);
  }

  /**
   * Waits for a disconnect of each of {@code channelOf}'s clients, then checks each client's story:
   * connect, subscribe, one disconnect id ("node lost", from a survivor, naming the dead node).
   */
  private void awaitOneDisconnectEach(NodeProcess victim, String victimName, Map<String, String> channelOf) {
    Set<String> ids = channelOf.keySet();
    backend.await("a disconnect for each of the " + ids.size() + " connections of " + victim.name(), ids.size(),
        e -> ids.contains(e.path("client").asText()) && e.path("type").asText().equals("disconnect"), WAIT);

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
    System.out.printf("webhook: %d disconnect events received for %d connections of %s (duplicates are dropped by id)%n", copies,
        ids.size(), victim.name());
  }

  @Test
  void hazelcastAMemberKilledWithFiftyConnectionsHasEachReportedOnceAndOneKilledDuringABackendOutageToo() {
    cluster = ProcessCluster.start("webhook-kill", 3, configJson("\"engine\": \"hazelcast\""), API_KEY); // 5 s failure detection
    NodeProcess victim = cluster.node(2);
    killAndExpectEveryDisconnect(victim, clientsOn(victim, CONNECTIONS), "hazelcast, failure detection 5 s");

    // A second death while the backend is down (closed port): the last member keeps the disconnects and
    // resends them until the backend is back.
    NodeProcess last = cluster.node(0);
    NodeProcess second = cluster.node(1);
    last.awaitHealthy(2, true, START);
    Map<String, String> channelOf = clientsOn(second, 10);
    String secondName = second.health().path("node").asText();
    double reportedBefore = last.api().metric("rebound_webhook_dead_node_disconnects_total");
    backend.goAway();
    second.kill();
    Await.until("the last member queued the 10 disconnects and failed to deliver them", WAIT,
        () -> last.api().metric("rebound_webhook_dead_node_disconnects_total") >= reportedBefore + 10
            && last.api().get("/metrics").text().contains("rebound_webhook_requests_total{outcome=\"error\"}"));
    backend.comeBack();
    awaitOneDisconnectEach(second, secondName, channelOf);
  }

  @Test
  void redisANodeKilledWithFiftyConnectionsHasEachReportedOnce() throws IOException {
    redis = RedisServer.startVolatile();
    Path config = dir.resolve("config.json");
    Files.writeString(config, configJson("\"engine\": \"redis\", \"redis_address\": \"" + redis.address() + "\", \"webhook_node_ttl\": \"3s\", "
        // generous: two JVMs starting at once on a loaded machine may take seconds for their first Redis connection
        + "\"redis_connect_timeout\": \"10s\", \"redis_command_timeout\": \"5s\""));
    Path unusedClusterXml = dir.resolve("cluster.xml");
    Files.writeString(unusedClusterXml, Files.readString(RepoFiles.path("cluster.xml")));
    NodeProcess survivor = node("redis-1", config, unusedClusterXml);
    NodeProcess victim = node("redis-2", config, unusedClusterXml);
    Await.until("redis-1 up", START, () -> survivor.health() != null);
    Await.until("redis-2 up", START, () -> victim.health() != null);

    killAndExpectEveryDisconnect(victim, clientsOn(victim, CONNECTIONS), "redis, webhook_node_ttl 3 s");
  }
}
