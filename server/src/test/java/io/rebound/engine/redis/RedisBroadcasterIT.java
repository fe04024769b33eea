package io.rebound.engine.redis;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.engine.BroadcasterContractTest;
import io.rebound.engine.FanoutMessage;
import io.rebound.testing.Await;
import io.rebound.testing.RedisExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broadcaster contract for the Redis engine: three nodes (three Vert.x instances that share nothing
 * but a real Redis) fanning out through pub/sub, plus resubscription of every channel of interest after Redis restarts.
 */
class RedisBroadcasterIT extends BroadcasterContractTest {

  @RegisterExtension
  static final RedisExtension redis = RedisExtension.inMemory();

  private final List<RedisBroadcaster> broadcasters = new ArrayList<>();

  @Override
  protected Future<List<BroadcastNode>> startNodes(Vertx testVertx) {
    List<BroadcastNode> nodes = new ArrayList<>();
    for (int n = 0; n < 3; n++) {
      Vertx vertx = Vertx.vertx();
      RedisConnections connections = TestConnections.to(redis, vertx);
      RedisBroadcaster broadcaster = result(RedisBroadcaster.start(connections));
      broadcasters.add(broadcaster);
      nodes.add(new BroadcastNode(vertx, broadcaster,
          () -> broadcaster.close().transform(ar -> connections.close()).transform(ar -> vertx.close())));
    }
    return Future.succeededFuture(nodes);
  }

  /**
   * An interest is routed when Redis has run the SUBSCRIBE, not when it is written: the Redis client completes a
   * pub/sub command on write, so before the fix the interest completed while Redis, paused here, had not subscribed
   * (and a PUBLISH another node sent then was lost; the contract's "routed everywhere when it completes" failed so now
   * and then). Redis runs nothing during the pause, so a correct interest cannot complete before it ends.
   */
  @Test
  void anInterestCompletesOnlyOnceRedisHasRunTheSubscribe() {
    long pauseMs = 1500;
    Redis admin = Redis.createClient(nodes.get(1).vertx(), "redis://127.0.0.1:" + redis.server().port());
    try {
      long pausedAt = System.nanoTime();
      result(admin.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(pauseMs).arg("ALL")));
      Inbox inbox = inboxes.stream().filter(i -> i.node() == 1).findFirst().orElseThrow();
      result(nodes.get(1).broadcaster().interest(channel(), inbox), 30);
      long tookMs = (System.nanoTime() - pausedAt) / 1_000_000;
      assertThat(tookMs).as("completed while Redis was paused").isGreaterThanOrEqualTo(pauseMs - 100);
    } finally {
      admin.close();
    }
  }

  @Test
  void afterARedisRestartTheSubscriberResubscribesAndMessagesFlowAgain() {
    RedisBroadcaster b = broadcasters.get(1);
    String ch = channel();
    interestEverywhere(ch); // before the restart: the new connections must SUBSCRIBE to it again by themselves
    List<AtomicInteger> resubscribed = new ArrayList<>();
    for (RedisBroadcaster each : broadcasters) {
      AtomicInteger n = new AtomicInteger();
      each.onResubscribed(n::incrementAndGet);
      resubscribed.add(n);
    }

    redis.server().stop();
    Await.until("subscribers noticed", Duration.ofSeconds(10), () -> broadcasters.stream().noneMatch(RedisBroadcaster::isSubscribed));
    redis.server().start();
    Await.until("every node resubscribed", Duration.ofSeconds(30), () -> resubscribed.stream().allMatch(n -> n.get() >= 1));

    FanoutMessage sent = publication(ch, 1, "e");
    Await.until("publisher reconnected", Duration.ofSeconds(30), () -> {
      try {
        result(b.publish(sent));
        return true;
      } catch (AssertionError notYet) {
        return false;
      }
    });
    awaitEveryInbox("the message on every node", ch, 1);
    assertThat(inboxes).allSatisfy(inbox -> assertThat(on(inbox, ch)).isNotEmpty());
  }
}
