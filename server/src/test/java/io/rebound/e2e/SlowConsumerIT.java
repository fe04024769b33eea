package io.rebound.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.testing.Await;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.RawClient;
import io.rebound.testing.RawSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A subscriber that stops reading its socket while large publications flow: the server must close
 * it as a slow consumer (3008) instead of queueing without bound, and other subscribers must still
 * get everything.
 */
class SlowConsumerIT {

  private static final String CONFIG = """
      {"client_queue_max_size": 1048576,
       "namespaces": [{"name": "feed", "allow_subscribe_for_client": true}]}
      """;
  private static final int PUBLICATIONS = 400;
  private static final int PAYLOAD = 48 * 1024;
  private static final int PER_BATCH = 20;

  @RegisterExtension static final NodeExtension node = NodeExtension.of(CONFIG);

  @Test
  void nonReadingSubscriberIsClosedAsSlowWhileOthersGetEverything() throws Exception {
    try (RawClient fast = node.connect("fast");
        RawSocket stalled = RawSocket.open(node.port(), 4096)) {
      fast.subscribe(2, "feed:big");

      stalled.write(RawSocket.text("{\"id\":1,\"connect\":{\"token\":\"" + node.token("stalled") + "\"}}\n"
          + "{\"id\":2,\"subscribe\":{\"channel\":\"feed:big\"}}"));
      stalled.readUntil("\"id\":2");
      // From here on the stalled client never reads again.

      Runtime rt = Runtime.getRuntime();
      System.gc();
      long heapBefore = rt.totalMemory() - rt.freeMemory();
      String payload = "x".repeat(PAYLOAD);
      for (int b = 0; b < PUBLICATIONS / PER_BATCH; b++) {
        node.http().publishBatch("feed:big", b * PER_BATCH, PER_BATCH, payload);
        // A batch is ~1 MiB, the queue limit: published back to back, two batches could wait in the
        // reading subscriber's queue at once on a loaded machine and close it as slow too (seen under
        // the full suite). It reads each batch before the next; the stalled one still overflows.
        fast.awaitCount("batch " + b + " at the fast subscriber", (b + 1) * PER_BATCH, n -> RawClient.isPush(n, "feed:big", "pub"),
            Duration.ofSeconds(30));
      }

      Await.until("slow consumer disconnect", Duration.ofSeconds(20),
          () -> node.http().metric("rebound_slow_consumer_disconnects_total") >= 1);
      var got = fast.awaitCount("all publications at the fast subscriber", PUBLICATIONS,
          n -> RawClient.isPush(n, "feed:big", "pub"), Duration.ofSeconds(30));
      for (int i = 0; i < PUBLICATIONS; i++) {
        assertThat(got.get(i).path("push").path("pub").path("data").path("n").asInt()).isEqualTo(i);
      }
      assertThat(fast.isClosed()).isFalse();
      assertThat(node.http().get("/metrics").text()).contains("rebound_disconnects_total{code=\"3008\"} 1.0");

      // The server holds at most client_queue_max_size for the stalled connection; ~19 MiB were published.
      System.gc();
      long heapAfter = rt.totalMemory() - rt.freeMemory();
      assertThat(heapAfter - heapBefore).as("heap growth in bytes").isLessThan(64L * 1024 * 1024);
    }
  }
}
