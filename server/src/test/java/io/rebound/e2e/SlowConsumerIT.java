package io.rebound.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.Node;
import io.rebound.auth.JwtSigner;
import io.rebound.testing.ApiClient;
import io.rebound.testing.Await;
import io.rebound.testing.RawClient;
import io.rebound.testing.RawSocket;
import io.rebound.testing.TestNode;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A subscriber that stops reading its socket while large publications flow: the server must close
 * it as a slow consumer (3008) instead of queueing without bound, and other subscribers must still
 * get everything.
 */
class SlowConsumerIT {

  private static final String CONFIG = """
      {"port": PORT, "token_hmac_secret_key": "slow-secret", "api_key": "slow-key",
       "client_queue_max_size": 1048576,
       "namespaces": [{"name": "feed", "allow_subscribe_for_client": true}]}
      """;
  private static final int PUBLICATIONS = 400;
  private static final int PAYLOAD = 48 * 1024;
  private static final int PER_BATCH = 20;

  private static Node node;
  private static Vertx clients;
  private static ApiClient api;
  private static final JwtSigner SIGNER = new JwtSigner("slow-secret");

  @BeforeAll
  static void start() {
    node = TestNode.start(CONFIG);
    clients = Vertx.vertx();
    api = new ApiClient(node.port(), "slow-key");
  }

  @AfterAll
  static void stop() {
    if (clients != null) Await.result(clients.close());
    if (node != null) Await.result(node.close());
  }

  @Test
  void nonReadingSubscriberIsClosedAsSlowWhileOthersGetEverything() throws Exception {
    try (RawClient fast = RawClient.connected(clients, node.port(), SIGNER.connectionToken("fast", 3600));
        RawSocket stalled = RawSocket.open(node.port(), 4096)) {
      assertThat(fast.call(2, "subscribe", "{\"channel\":\"feed:big\"}").has("subscribe")).isTrue();

      stalled.write(RawSocket.text("{\"id\":1,\"connect\":{\"token\":\"" + SIGNER.connectionToken("stalled", 3600) + "\"}}\n"
          + "{\"id\":2,\"subscribe\":{\"channel\":\"feed:big\"}}"));
      stalled.readUntil("\"id\":2");
      // From here on the stalled client never reads again.

      Runtime rt = Runtime.getRuntime();
      System.gc();
      long heapBefore = rt.totalMemory() - rt.freeMemory();
      String payload = "x".repeat(PAYLOAD);
      for (int b = 0; b < PUBLICATIONS / PER_BATCH; b++) {
        StringBuilder batch = new StringBuilder("{\"commands\":[");
        for (int i = 0; i < PER_BATCH; i++) {
          if (i > 0) batch.append(',');
          batch.append("{\"publish\":{\"channel\":\"feed:big\",\"data\":{\"n\":").append(b * PER_BATCH + i).append(",\"p\":\"").append(payload).append("\"}}}");
        }
        batch.append("]}");
        api.ok("batch", batch.toString());
      }

      Await.until("slow consumer disconnect", Duration.ofSeconds(20),
          () -> api.metric("rebound_slow_consumer_disconnects_total") >= 1);
      var got = fast.awaitCount("all publications at the fast subscriber", PUBLICATIONS,
          n -> n.path("push").path("channel").asText().equals("feed:big") && n.path("push").has("pub"), Duration.ofSeconds(30));
      for (int i = 0; i < PUBLICATIONS; i++) {
        assertThat(got.get(i).path("push").path("pub").path("data").path("n").asInt()).isEqualTo(i);
      }
      assertThat(fast.isClosed()).isFalse();
      assertThat(api.get("/metrics").text()).contains("rebound_disconnects_total{code=\"3008\"} 1.0");

      // The server holds at most client_queue_max_size for the stalled connection; ~19 MiB were published.
      System.gc();
      long heapAfter = rt.totalMemory() - rt.freeMemory();
      assertThat(heapAfter - heapBefore).as("heap growth in bytes").isLessThan(64L * 1024 * 1024);
    }
  }
}
