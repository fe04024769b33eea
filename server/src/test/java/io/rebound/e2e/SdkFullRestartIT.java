package io.rebound.e2e;

import static io.rebound.testing.SdkClient.is;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.Closer;
import io.rebound.testing.RedisExtension;
import io.rebound.testing.RunningNode;
import io.rebound.testing.SdkClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Redis engine's promise, seen by the real {@code centrifuge} SDK: every broker node stops, new
 * nodes start, and a client that was subscribed recovers exactly what was published meanwhile.
 */
class SdkFullRestartIT {

  @RegisterExtension static final RedisExtension redis = RedisExtension.appendOnly();
  @RegisterExtension final Closer open = new Closer();

  private static String config() {
    return """
        {"engine": "redis", "redis_address": "%s",
         "namespaces": [{"name": "chat", "history_size": 100, "history_ttl": "600s", "force_recovery": true,
                         "allow_subscribe_for_client": true}]}
        """.formatted(redis.address());
  }

  private static List<Integer> numbers(SdkClient c, String ch) {
    return c.publications("sub", ch).stream().map(e -> e.path("data").path("n").asInt()).toList();
  }

  @Test
  void sdkRecoversAcrossARestartOfEveryNode() {
    String ch = "chat:" + UUID.randomUUID();
    RunningNode a = open.add(RunningNode.start(config()));
    RunningNode b = open.add(RunningNode.start(config()));
    int portA = a.port();
    try (SdkClient c = SdkClient.driver("full-restart", a, a.token("alice"), List.of(ch), false)) {
      c.await("subscribed", is("sub", "subscribed", ch));
      for (int n = 1; n <= 3; n++) b.publish(ch, n); // published on the other node: crosses Redis pub/sub
      c.until("3 live publications", ev -> numbers(c, ch).size() >= 3);

      int mark = c.mark();
      a.close();
      b.close(); // no broker node is left
      c.await("SDK notices the node is gone", mark, is("client", "connecting"));

      // New nodes: one takes publications while the client is still away, then one comes back on the
      // address the SDK keeps reconnecting to.
      RunningNode b2 = open.add(RunningNode.start(config()));
      for (int n = 4; n <= 6; n++) b2.publish(ch, n);
      open.add(RunningNode.start(config(), portA));
      c.until("6 publications", Duration.ofSeconds(30), ev -> numbers(c, ch).size() >= 6);
      List<JsonNode> subs = c.events(is("sub", "subscribed", ch));
      JsonNode again = subs.get(subs.size() - 1);
      assertThat(again.path("wasRecovering").asBoolean()).as("%s", again).isTrue();
      assertThat(again.path("recovered").asBoolean()).as("recovered after a full restart: %s", again).isTrue();
      assertThat(numbers(c, ch)).containsExactlyElementsOf(IntStream.rangeClosed(1, 6).boxed().toList());
    }
  }
}
