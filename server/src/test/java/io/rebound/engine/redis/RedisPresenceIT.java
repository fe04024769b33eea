package io.rebound.engine.redis;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.core.ClientInfo;
import io.rebound.engine.PresenceStore;
import io.rebound.engine.PresenceStoreContractTest;
import io.rebound.testing.Await;
import io.rebound.testing.RedisExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The presence contract against a real Redis, with a second node (its own Vert.x and connections) as
 * the other node, plus what only Redis presence does: expiry of a dead node's members, refresh of a
 * live node's, removal at close, and recovery from a Redis that lost its data.
 */
class RedisPresenceIT extends PresenceStoreContractTest {

  @RegisterExtension
  static final RedisExtension redis = RedisExtension.inMemory();

  /** Short, so expiry is observable; refreshes run every third of it. */
  private static final Duration SHORT_TTL = Duration.ofMillis(1500);

  private final List<Vertx> otherNodes = new ArrayList<>();
  private RedisConnections connections;

  @Override
  protected Future<PresenceStore> newStore(Vertx vertx) {
    connections = TestConnections.to(redis, vertx);
    return RedisPresence.start(connections, RedisPresence.DEFAULT_TTL).map(p -> p);
  }

  @Override
  protected PresenceStore storeOnAnotherNode() {
    return result(startNode(RedisPresence.DEFAULT_TTL));
  }

  @AfterEach
  void stopStoresAndConnections() {
    if (store != null) result(store.close());
    store = null;
    for (Vertx node : otherNodes) result(node.close(), 30);
    if (connections != null) result(connections.close());
  }

  /** A store on a node of its own: a Vert.x instance that a test may kill. */
  private Future<RedisPresence> startNode(Duration ttl) {
    Vertx node = Vertx.vertx();
    otherNodes.add(node);
    return RedisPresence.start(TestConnections.to(redis, node), ttl);
  }

  private Response send(Request request) {
    RedisLink probe = connections.link("probe");
    try {
      return result(probe.start().compose(l -> l.send(request)));
    } finally {
      probe.close();
    }
  }

  private Long expiresAt(String channel, String client) {
    Response score = send(Request.cmd(Command.ZSCORE).arg(new RedisKeys(connections.keyPrefix()).presenceExpiry(channel)).arg(client));
    return score == null ? null : score.toLong();
  }

  @Test
  void theMembersOfANodeThatDiedExpireWithinTheTtl() {
    String ch = channel();
    RedisPresence dying = result(startNode(SHORT_TTL));
    result(dying.add(ch, info("bob", "on-dead-node")));
    add(ch, info("alice", "on-live-node"));
    assertThat(get(ch)).containsOnlyKeys("on-dead-node", "on-live-node");

    // The node dies: its Vert.x is gone, so it neither refreshes nor removes its members.
    long diedAt = System.nanoTime();
    result(otherNodes.remove(0).close(), 30);
    Await.until("the dead node's member expired", Duration.ofSeconds(30), () -> !get(ch).containsKey("on-dead-node"));
    long goneAfterMs = (System.nanoTime() - diedAt) / 1_000_000;
    // Gone within the TTL of the death (plus slack for a shared machine), not at some later key expiry.
    assertThat(goneAfterMs).isLessThan(SHORT_TTL.toMillis() + 5_000);
    assertThat(get(ch)).containsOnlyKeys("on-live-node");
  }

  @Test
  void aLiveNodeRefreshesItsMembersSoTheyOutliveTheTtl() {
    String ch = channel();
    RedisPresence live = result(startNode(SHORT_TTL));
    result(live.add(ch, info("bob", "c1")));
    long first = expiresAt(ch, "c1");
    // Wait until the expiry was pushed out by more than a whole TTL: at least two refreshes happened,
    // and the member has been in Redis for longer than its TTL.
    Await.until("two refreshes", Duration.ofSeconds(30), () -> expiresAt(ch, "c1") > first + SHORT_TTL.toMillis());
    assertThat(get(ch)).containsOnlyKeys("c1");
    assertThat(result(live.stats(ch)).numClients()).isEqualTo(1);
  }

  @Test
  void aRefreshNeverWritesBackAMemberRemovedMeanwhile() {
    RedisPresence node = (RedisPresence) store;
    List<String> channels = IntStream.range(0, 40).mapToObj(i -> channel()).toList();
    List<Future<Void>> adds = new ArrayList<>();
    for (String ch : channels) for (int i = 0; i < 50; i++) adds.add(node.add(ch, info("u", "c" + i)));
    result(Future.all(adds), 60);
    for (int round = 0; round < 3; round++) {
      // A refresh pass and removals of every member, interleaved: no removed member may come back.
      List<Future<Void>> calls = new ArrayList<>();
      calls.add(node.refresh());
      for (String ch : channels) for (int i = 0; i < 50; i++) calls.add(node.remove(ch, "c" + i));
      calls.add(node.refresh());
      result(Future.all(calls), 60);
      for (String ch : channels) assertThat(get(ch)).as(ch).isEmpty();
      for (String ch : channels) for (int i = 0; i < 50; i++) adds.add(node.add(ch, info("u", "c" + i)));
      result(Future.all(adds), 60);
    }
  }

  @Test
  void closingANodeRemovesItsMembersAtOnce() {
    String ch = channel(), other = channel();
    RedisPresence leaving = result(startNode(RedisPresence.DEFAULT_TTL));
    List<Future<Void>> adds = new ArrayList<>();
    for (int i = 0; i < 600; i++) adds.add(leaving.add(i % 2 == 0 ? ch : other, info("bob", "c" + i)));
    result(Future.all(adds), 60);
    add(ch, info("alice", "stays"));
    result(leaving.close());
    assertThat(get(ch)).containsOnlyKeys("stays");
    assertThat(get(other)).isEmpty();
    assertThat(result(leaving.localChannels())).isZero();
  }

  @Test
  void aChannelWhoseMembersAllExpiredLeavesNoKeys() {
    String ch = channel();
    RedisPresence dying = result(startNode(SHORT_TTL));
    result(dying.add(ch, info("bob", "c1")));
    result(otherNodes.remove(0).close(), 30);
    RedisKeys keys = new RedisKeys(connections.keyPrefix());
    Await.until("both keys expired", Duration.ofSeconds(30), () -> send(Request.cmd(Command.EXISTS)
        .arg(keys.presenceMembers(ch)).arg(keys.presenceExpiry(ch))).toInteger() == 0);
  }

  @Test
  void aRedisThatLostItsDataGetsTheLiveMembersBackAtTheNextRefresh() {
    String ch = channel();
    RedisPresence live = result(startNode(SHORT_TTL));
    result(live.add(ch, new ClientInfo("bob", "c1", "{\"a\":1}", null)));
    redis.server().restartEmpty();
    Await.until("the member written again", Duration.ofSeconds(30), () -> {
      try {
        return get(ch).containsKey("c1");
      } catch (AssertionError redisStillComingBack) {
        return false;
      }
    });
    assertThat(get(ch).get("c1").connInfo()).isEqualTo("{\"a\":1}");
  }

  @Test
  void aScriptFlushCostsTheCallsInFlightAndTheStoreCarriesOn() {
    String ch = channel();
    add(ch, info("alice", "c1"));
    send(Request.cmd(Command.SCRIPT).arg("FLUSH"));
    // The first call after the flush may fail (NOSCRIPT, not resent); the store reloads the scripts by itself.
    Await.until("calls work again", Duration.ofSeconds(30), () -> {
      try {
        add(ch, info("bob", "c2"));
        return true;
      } catch (AssertionError noScriptYet) {
        return false;
      }
    });
    assertThat(get(ch)).containsOnlyKeys("c1", "c2");
  }

  @Test
  void anAddAfterCloseFails() {
    RedisPresence closing = result(startNode(RedisPresence.DEFAULT_TTL));
    result(closing.close());
    assertThat(Await.failure(closing.add(channel(), info("a", "c")))).isInstanceOf(IllegalStateException.class);
  }
}
