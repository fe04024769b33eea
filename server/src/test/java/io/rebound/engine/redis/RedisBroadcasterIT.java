package io.rebound.engine.redis;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.engine.BroadcasterContractTest;
import io.rebound.engine.FanoutMessage;
import io.rebound.testing.Await;
import io.rebound.testing.RedisExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broadcaster contract for the Redis engine: two nodes (two Vert.x instances that share nothing
 * but a real Redis) fanning out through pub/sub, plus resubscription after Redis restarts.
 */
class RedisBroadcasterIT extends BroadcasterContractTest {

  @RegisterExtension
  static final RedisExtension redis = RedisExtension.inMemory();

  private final List<RedisBroadcaster> broadcasters = new ArrayList<>();

  @Override
  protected Future<List<BroadcastNode>> startNodes(Vertx testVertx) {
    List<BroadcastNode> nodes = new ArrayList<>();
    for (int n = 0; n < 2; n++) {
      Vertx vertx = Vertx.vertx();
      RedisConnections connections = TestConnections.to(redis, vertx);
      RedisBroadcaster broadcaster = result(RedisBroadcaster.start(connections));
      broadcasters.add(broadcaster);
      nodes.add(new BroadcastNode(vertx, broadcaster,
          () -> broadcaster.close().transform(ar -> connections.close()).transform(ar -> vertx.close())));
    }
    return Future.succeededFuture(nodes);
  }

  @Test
  void afterARedisRestartTheSubscriberResubscribesAndMessagesFlowAgain() {
    RedisBroadcaster a = broadcasters.get(0), b = broadcasters.get(1);
    AtomicInteger resubA = new AtomicInteger(), resubB = new AtomicInteger();
    a.onResubscribed(resubA::incrementAndGet);
    b.onResubscribed(resubB::incrementAndGet);

    redis.server().stop();
    Await.until("subscribers noticed", Duration.ofSeconds(10), () -> !a.isSubscribed() && !b.isSubscribed());
    redis.server().start();
    Await.until("both resubscribed", Duration.ofSeconds(30), () -> resubA.get() >= 1 && resubB.get() >= 1);

    String ch = channel();
    FanoutMessage sent = publication(ch, 1, "e");
    Await.until("publisher reconnected", Duration.ofSeconds(30), () -> {
      try {
        result(b.publish(sent));
        return true;
      } catch (AssertionError notYet) {
        return false;
      }
    });
    awaitEveryInbox("the message on both nodes", ch, 1);
    assertThat(inboxes).allSatisfy(inbox -> assertThat(on(inbox, ch)).isNotEmpty());
  }
}
