package io.rebound.engine.redis;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.bus.Addresses;
import io.rebound.core.ClientInfo;
import io.rebound.core.Publication;
import io.rebound.engine.FanoutMessage;
import io.rebound.testing.Await;
import io.rebound.testing.RedisServer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two nodes (two Vert.x instances) fanning out through one real Redis. */
class RedisBroadcasterIT {

  private static RedisServer redis;
  private Vertx vertxA, vertxB;
  private RedisBroadcaster nodeA, nodeB;
  private final List<FanoutMessage> gotA = new CopyOnWriteArrayList<>();
  private final List<FanoutMessage> gotB = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.startVolatile();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) redis.close();
  }

  @BeforeEach
  void startNodes() {
    RedisHistoryOptions options = new RedisHistoryOptions(redis.address(), Duration.ofSeconds(1), Duration.ofSeconds(2), 1, "it");
    vertxA = Vertx.vertx();
    vertxB = Vertx.vertx();
    nodeA = result(RedisBroadcaster.start(vertxA, options, RedisBroadcaster.DEFAULT_SHARDS));
    nodeB = result(RedisBroadcaster.start(vertxB, options, RedisBroadcaster.DEFAULT_SHARDS));
    vertxA.eventBus().<FanoutMessage>localConsumer(Addresses.FANOUT, m -> gotA.add(m.body()));
    vertxB.eventBus().<FanoutMessage>localConsumer(Addresses.FANOUT, m -> gotB.add(m.body()));
  }

  @AfterEach
  void stopNodes() {
    result(nodeA.close());
    result(nodeB.close());
    result(vertxA.close());
    result(vertxB.close());
  }

  private static FanoutMessage message(String channel, long offset) {
    // Multi-byte, control and line-separator characters prove the payload crosses Redis untouched.
    String data = "{\"n\":" + offset + ",\"s\":\"\u017c\u0000\u2028\n\"}";
    return FanoutMessage.publication(channel, new Publication(offset, data, new ClientInfo("u", "c", null, null), null), "ep0ch");
  }

  @Test
  void aMessageReachesEveryNodeByteForByte() {
    FanoutMessage sent = message("news", 7);
    result(nodeA.publish(sent));
    Await.until("both nodes received it", Duration.ofSeconds(10), () -> gotA.size() == 1 && gotB.size() == 1);
    assertThat(gotA.get(0).encode().getBytes()).isEqualTo(sent.encode().getBytes());
    assertThat(gotB.get(0).encode().getBytes()).isEqualTo(sent.encode().getBytes());
  }

  @Test
  void oneChannelKeepsPublishOrder() {
    int n = 1000;
    for (int i = 1; i <= n; i++) {
      nodeA.publish(message("ordered", i));
      nodeA.publish(message("other-" + (i % 7), i)); // traffic on other shards in between
    }
    Await.until("all ordered messages arrived", Duration.ofSeconds(30),
        () -> count(gotA, "ordered") == n && count(gotB, "ordered") == n);
    for (List<FanoutMessage> got : List.of(gotA, gotB)) {
      assertThat(got.stream().filter(m -> m.channel().equals("ordered")).map(FanoutMessage::offset).toList())
          .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, n).boxed().toList());
    }
  }

  @Test
  void afterARedisRestartTheSubscriberResubscribesAndMessagesFlowAgain() {
    AtomicInteger resubA = new AtomicInteger(), resubB = new AtomicInteger();
    nodeA.onResubscribed(resubA::incrementAndGet);
    nodeB.onResubscribed(resubB::incrementAndGet);

    redis.stop();
    Await.until("subscribers noticed", Duration.ofSeconds(10), () -> !nodeA.isSubscribed() && !nodeB.isSubscribed());
    redis.start();
    Await.until("both resubscribed", Duration.ofSeconds(30), () -> resubA.get() >= 1 && resubB.get() >= 1);

    FanoutMessage sent = message("after-restart", 1);
    Await.until("publisher reconnected", Duration.ofSeconds(30), () -> {
      try {
        result(nodeB.publish(sent));
        return true;
      } catch (AssertionError notYet) {
        return false;
      }
    });
    Await.until("message delivered on both nodes", Duration.ofSeconds(10),
        () -> count(gotA, "after-restart") >= 1 && count(gotB, "after-restart") >= 1);
  }

  private static long count(List<FanoutMessage> got, String channel) {
    return got.stream().filter(m -> m.channel().equals(channel)).count();
  }
}
