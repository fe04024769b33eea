package io.rebound.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.auth.JwtSigner;
import io.rebound.testing.ApiClient;
import io.rebound.testing.Await;
import io.rebound.testing.NodeProcess;
import io.rebound.testing.RawClient;
import io.rebound.testing.RepoFiles;
import io.rebound.testing.Ports;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 15's abuse, item 2, on a real node process with a 256 MiB heap ({@link NodeProcess}: -Xmx256m,
 * -XX:+ExitOnOutOfMemoryError) and the default {@code history_memory_limit} (a quarter of it): one
 * client publishes 5,000 publications of 60 KB into distinct channels (300 MB, more than the whole
 * heap: the node used to run out of memory and exit) and reads the history of 100,000 channels that
 * do not exist (each used to create a stream). Meanwhile a well-behaved client keeps being served,
 * and afterwards the node holds no more history than its budget and says so in its metrics. The
 * per-connection limits ({@code client_publish_rate}, {@code client_commands_in_flight}) are off
 * here: this test is about the node-wide budgets alone (PerConnectionLimitsIT covers those limits).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeUnderAbuseIT {

  private static final String SECRET = "abuse-secret";
  private static final String API_KEY = "abuse-key";
  private static final Duration START = Duration.ofSeconds(60);
  private static final String PAYLOAD = "\"" + "x".repeat(60_000) + "\"";

  private final JwtSigner signer = new JwtSigner(SECRET);
  private NodeProcess node;
  private Vertx vertx;
  private Thread reaper;

  @BeforeAll
  void start() throws IOException {
    Path dir = Files.createTempDirectory("rebound-abuse-");
    Path clusterXml = dir.resolve("cluster.xml");
    Files.copy(RepoFiles.path("cluster.xml"), clusterXml);
    Path config = dir.resolve("config.json");
    Files.writeString(config, """
        {"token_hmac_secret_key": "%s", "api_key": "%s",
         "client_publish_rate": 0, "client_commands_in_flight": 0,
         "namespaces": [
           {"name": "abuse", "history_size": 10, "history_ttl": "1h", "allow_publish_for_client": true, "allow_history_for_client": true},
           {"name": "chat", "history_size": 100, "history_ttl": "1h", "force_recovery": true,
            "allow_subscribe_for_client": true, "allow_publish_for_client": true}
         ]}
        """.formatted(SECRET, API_KEY));
    node = new NodeProcess("abused", Ports.free(), config, clusterXml, API_KEY);
    reaper = new Thread(node::close, "abuse-reaper"); // the child must not outlive a test JVM that dies first
    Runtime.getRuntime().addShutdownHook(reaper);
    node.start();
    Await.until("node up", START, () -> node.health() != null);
    vertx = Vertx.vertx();
  }

  @AfterAll
  void stop() {
    if (vertx != null) Await.result(vertx.close());
    if (node != null) node.close();
    if (reaper != null) Runtime.getRuntime().removeShutdownHook(reaper);
  }

  @Test
  void aFloodOfLargePublishesAndUnknownHistoryReadsLeavesAWellBehavedClientServed() {
    RawClient good = RawClient.connected(vertx, node.port(), signer.connectionToken("good", 3600));
    JsonNode subscribed = good.call(2, "subscribe", "{\"channel\":\"chat:good\"}");
    assertThat(subscribed.has("subscribe")).as(subscribed.toString()).isTrue();
    long goodId = 10;

    try (Flooder attacker = Flooder.connect(vertx, node.port(), signer.connectionToken("attacker", 3600))) {
      for (int round = 0; round < 5; round++) {
        int first = round * 1000;
        Flooder.Outcome published = Await.result(attacker.run(1000, 1, 16,
            id -> "{\"id\":" + id + ",\"publish\":{\"channel\":\"abuse:" + (first + id) + "\",\"data\":" + PAYLOAD + "}}"), 300);
        assertThat(published.errors()).as("publishes refused in round %d", round).isZero();
        goodId = servedWhileAbused(good, goodId, round);
      }
      Flooder.Outcome read = Await.result(attacker.run(100_000, 100, 8,
          id -> "{\"id\":" + id + ",\"history\":{\"channel\":\"abuse:unknown-" + id + "\",\"limit\":10}}"), 300);
      assertThat(read.ok()).isEqualTo(100_000);
      servedWhileAbused(good, goodId, 5);
    }

    assertThat(node.isAlive()).isTrue();
    ApiClient api = node.api();
    double held = api.metric("rebound_history_memory_bytes");
    double limit = api.metric("rebound_history_memory_limit_bytes");
    assertThat(limit).as("a quarter of -Xmx256m").isBetween(50e6, 70e6);
    assertThat(held).isPositive().isLessThanOrEqualTo(limit);
    assertThat(api.metric("rebound_history_streams_evicted_total")).isPositive();
    // The first abusive channels were evicted; their history is gone, reported as an empty stream.
    assertThat(api.ok("history", "{\"channel\":\"abuse:2\"}").path("offset").asLong()).isZero();
    good.close();
  }

  /** The good client publishes and receives its publication live, and history answers it. */
  private long servedWhileAbused(RawClient good, long id, int round) {
    JsonNode reply = good.call(id, "publish", "{\"channel\":\"chat:good\",\"data\":{\"round\":" + round + "}}");
    assertThat(reply.has("error")).as("round %d: %s", round, reply).isFalse();
    JsonNode pub = good.await("round " + round + " delivered", m -> m.path("push").path("pub").path("data").path("round").asInt(-1) == round)
        .path("push").path("pub");
    assertThat(pub.path("offset").asLong()).isEqualTo(round + 1);
    assertThat(good.isClosed()).isFalse();
    return id + 1;
  }
}
