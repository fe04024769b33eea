package io.rebound.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.protocol.ErrorCode;
import io.rebound.testing.Await;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.RawClient;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15 item 2, the per-connection part, on a real node over real WebSockets: a client that
 * publishes faster than {@code client_publish_rate} allows (beyond its burst) gets 111 "too many
 * requests" for the excess, stays connected, and slows nobody else down.
 */
class PerConnectionLimitsIT {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @RegisterExtension
  final NodeExtension node = NodeExtension.of("""
      {"client_publish_rate": 1, "client_publish_burst": 5,
       "namespaces": [{"name": "room", "allow_subscribe_for_client": true, "allow_publish_for_client": true,
                      "history_size": 100, "history_ttl": "300s"}]}""");

  /** {@code count} publish commands to {@code channel} with ids from {@code firstId}, newline-separated in one frame. */
  private static String publishes(int firstId, int count, String channel) {
    StringBuilder f = new StringBuilder();
    for (int i = 0; i < count; i++) {
      f.append(i == 0 ? "" : "\n").append("{\"id\":").append(firstId + i).append(",\"publish\":{\"channel\":\"")
          .append(channel).append("\",\"data\":{\"n\":").append(i).append("}}}");
    }
    return f.toString();
  }

  private static int errorCode(RawClient c, long id) {
    return c.reply(id).path("error").path("code").asInt(0);
  }

  @Test
  void publishesBeyondTheBurstAre111WhileAnotherConnectionIsServed() {
    try (RawClient flooder = node.connect("flooder"); RawClient other = node.connect("other")) {
      other.subscribe(2, "room:a");

      // One frame: all 20 arrive within one read, far faster than 1 per second. The bucket holds 5,
      // and refills by one for each second the node takes to answer them (on a loaded machine).
      long sent = System.nanoTime();
      flooder.send(publishes(10, 20, "room:a"));
      List<Integer> codes = IntStream.range(10, 30).mapToObj(id -> errorCode(flooder, id)).toList();
      long refills = (System.nanoTime() - sent) / 1_000_000_000L + 1;
      long ok = codes.stream().filter(c -> c == 0).count();
      assertThat(ok).as("the burst of 5 is published: %s", codes).isBetween(5L, 5L + refills);
      assertThat(codes.stream().filter(c -> c == ErrorCode.TOO_MANY_REQUESTS.code).count()).as("%s", codes).isEqualTo(20 - ok);
      assertThat(flooder.isClosed()).as("over the rate is an answer, not a disconnect").isFalse();

      // The other connection publishes at once and receives its own publication, after exactly the
      // flooder's accepted ones (a refused publish applies nothing).
      assertThat(other.call(3, "publish", "{\"channel\":\"room:a\",\"data\":{\"from\":\"other\"}}").has("error")).isFalse();
      other.await("the other publication", m -> m.path("push").path("pub").path("data").path("from").asText("").equals("other"));
      assertThat(other.pubOffsets("room:a")).containsExactlyElementsOf(LongStream.rangeClosed(1, ok + 1).boxed().toList());

      // The bucket refills at 1 per second: the flooder may publish again a moment later.
      long[] id = {100};
      Await.until("the flooder's bucket refilled", WAIT, () -> {
        long next = id[0]++;
        return flooder.call(next, "publish", "{\"channel\":\"room:a\",\"data\":{}}").path("error").isMissingNode();
      });
    }
  }
}
