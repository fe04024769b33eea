package io.rebound.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.core.AppendResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;
import io.rebound.engine.hazelcast.HazelcastHistory;
import io.rebound.testing.ApiClient;
import io.rebound.testing.Await;
import io.rebound.testing.ClientVertx;
import io.rebound.testing.Closer;
import io.rebound.testing.HazelcastClusterExtension;
import io.rebound.testing.RawClient;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three full broker nodes with {@code engine: hazelcast} in one JVM (three clustered Vert.x
 * instances, one Hazelcast member each): whatever door a publication comes in by (HTTP API, a
 * client's publish, the {@code rebound.api} event-bus address), every subscriber on every node gets
 * it, per channel in offset order with no gap and no duplicate; presence and channel statistics
 * are cluster-wide.
 */
class ClusterFanoutIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private static String config(int i) {
    return """
        {"name": "node-%d", "engine": "hazelcast",
         "namespaces": [{"name": "chat", "history_size": 1000, "history_ttl": "600s", "force_recovery": true,
                         "presence": true, "allow_subscribe_for_client": true, "allow_publish_for_client": true,
                         "allow_presence_for_client": true},
                        {"name": "personal", "history_size": 100, "history_ttl": "600s",
                         "allow_user_limited_channels": true, "user_sync": true}]}
        """.formatted(i + 1);
  }

  @RegisterExtension static final HazelcastClusterExtension cluster = HazelcastClusterExtension.of(3).withBrokers(ClusterFanoutIT::config);
  @RegisterExtension static final ClientVertx clients = new ClientVertx();
  @RegisterExtension final Closer open = new Closer();

  /** The HTTP API of the broker on member {@code i} (0-based). */
  private static ApiClient api(int i) {
    return cluster.broker(i).http();
  }

  /** A connected client on node {@code i} (0-based) subscribed to {@code channel}. */
  private RawClient subscriber(int i, String user, String channel) {
    RawClient c = open.add(RawClient.connected(clients.get(), cluster.broker(i).port(), cluster.broker(i).token(user)));
    c.subscribe(2, channel);
    return c;
  }

  private static Predicate<JsonNode> pubOn(String channel) {
    return n -> RawClient.isPush(n, channel, "pub");
  }

  private static String channel() {
    return "chat:" + UUID.randomUUID();
  }

  @Test
  void apiPublishOnNode1ReachesSubscribersOnEveryNode() {
    String ch = channel();
    List<RawClient> subs = List.of(subscriber(0, "u1", ch), subscriber(1, "u2", ch), subscriber(2, "u3", ch));
    JsonNode result = api(0).ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"hello\":\"cluster\"}}");
    assertThat(result.path("offset").asLong()).isEqualTo(1);
    for (int i = 0; i < subs.size(); i++) {
      JsonNode pub = subs.get(i).push(ch, "pub");
      assertThat(pub.path("data").path("hello").asText()).as("node %d", i + 1).isEqualTo("cluster");
      assertThat(pub.path("offset").asLong()).isEqualTo(1);
    }
  }

  @Test
  void concurrentPublishersOnAllNodesKeepOffsetOrderEverywhere() throws Exception {
    String ch = channel();
    int perNode = 200;
    List<RawClient> subs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      subs.add(subscriber(i, "a" + i, ch));
      subs.add(subscriber(i, "b" + i, ch));
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<List<Long>>> publishers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ApiClient api = api(i);
        int node = i;
        publishers.add(pool.submit(() -> {
          List<Long> assigned = new ArrayList<>();
          for (int n = 0; n < perNode; n++) {
            assigned.add(api.ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"node\":" + node + ",\"n\":" + n + "}}")
                .path("offset").asLong());
          }
          return assigned;
        }));
      }
      List<Long> allAssigned = new ArrayList<>();
      for (Future<List<Long>> f : publishers) allAssigned.addAll(f.get(90, TimeUnit.SECONDS));
      assertThat(allAssigned).as("offsets assigned by the history engine").containsExactlyInAnyOrderElementsOf(
          LongStream.rangeClosed(1, 3L * perNode).boxed().toList());
    } finally {
      pool.shutdownNow();
    }
    // A last publication after all the others: once a subscriber has it, anything before it (a
    // duplicate, a late straggler) has been delivered too.
    long last = api(1).ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"last\":true}}").path("offset").asLong();
    assertThat(last).isEqualTo(3L * perNode + 1);
    List<Long> expected = LongStream.rangeClosed(1, last).boxed().toList();
    for (RawClient c : subs) {
      c.awaitCount("the last publication", 1, pubOn(ch).and(n -> n.path("push").path("pub").path("offset").asLong() == last), WAIT);
      assertThat(c.received().stream().filter(n -> RawClient.isPush(n, ch, "unsubscribe")).toList()).as("no resubscribe request").isEmpty();
      assertThat(c.pubOffsets(ch)).as("offsets in order, no gap, no duplicate").containsExactlyElementsOf(expected);
    }
  }

  @Test
  void clientPublishOnNode2ReachesNode3() {
    String ch = channel();
    RawClient receiver = subscriber(2, "receiver", ch);
    RawClient publisher = subscriber(1, "publisher", ch);
    JsonNode reply = publisher.call(3, "publish", "{\"channel\":\"" + ch + "\",\"data\":{\"from\":\"node-2\"}}");
    assertThat(reply.has("error")).as("%s", reply).isFalse();
    JsonNode pub = receiver.push(ch, "pub");
    assertThat(pub.path("data").path("from").asText()).isEqualTo("node-2");
    assertThat(pub.path("info").path("user").asText()).as("publisher info: %s", pub).isEqualTo("publisher");
    assertThat(publisher.push(ch, "pub").path("offset").asLong()).isEqualTo(1);
  }

  @Test
  void eventBusApiRequestFromNode3IsDeliveredEverywhere() {
    String ch = channel();
    List<RawClient> subs = List.of(subscriber(0, "u1", ch), subscriber(1, "u2", ch), subscriber(2, "u3", ch));
    JsonObject request = new JsonObject().put("method", "publish")
        .put("params", new JsonObject().put("channel", ch).put("data", new JsonObject().put("via", "event-bus")));
    JsonObject reply = Await.result(cluster.broker(2).node().vertx().eventBus().<JsonObject>request("rebound.api", request,
        new io.vertx.core.eventbus.DeliveryOptions().addHeader("X-API-Key", io.rebound.testing.RunningNode.API_KEY))).body();
    assertThat(reply.containsKey("error")).as("%s", reply).isFalse();
    assertThat(reply.getJsonObject("result").getLong("offset")).as("%s", reply).isEqualTo(1L);
    for (RawClient c : subs) assertThat(c.push(ch, "pub").path("data").path("via").asText()).isEqualTo("event-bus");
  }

  /**
   * An append whose publisher died before fanning it out (its node crashed, or Hazelcast retried
   * the append on a new partition owner after the first owner had applied it and died): the retry
   * with the same idempotency key answers "duplicate". Subscribers must still get the publication
   * live, once, without waiting for a later one to reveal the gap.
   */
  @Test
  void idempotentRetryOfAnAppendThatWasNeverFannedOutReachesSubscribers() {
    String ch = channel();
    List<RawClient> subs = List.of(subscriber(0, "u1", ch), subscriber(1, "u2", ch), subscriber(2, "u3", ch));
    HazelcastHistory engine = HazelcastHistory.create(cluster.node(0).hz(), cluster.node(0).vertx());
    try {
      // The first attempt, as the dead publisher left it: stored on node 1, never broadcast. The
      // engine holds the key as the API scopes it for a backend publish ("api:" + key).
      AppendResult first = Await.result(engine.append(ch, Publication.of("{\"attempt\":1}"),
          StreamOptions.of(1000, Duration.ofSeconds(600)), "api:key-1"));
      assertThat(first.position().offset()).isEqualTo(1);
    } finally {
      Await.result(engine.close());
    }
    JsonNode retry = api(1).ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"attempt\":1},\"idempotency_key\":\"key-1\"}");
    assertThat(retry.path("offset").asLong()).as("the retry finds the first append: %s", retry).isEqualTo(1);
    for (RawClient c : subs) {
      JsonNode pub = c.push(ch, "pub");
      assertThat(pub.path("offset").asLong()).isEqualTo(1);
    }
    // Exactly once: a second retry (already delivered) must not show up again.
    api(2).ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"attempt\":1},\"idempotency_key\":\"key-1\"}");
    long last = api(0).ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"last\":true}}").path("offset").asLong();
    for (RawClient c : subs) {
      c.awaitCount("the last publication", 1, pubOn(ch).and(n -> n.path("push").path("pub").path("offset").asLong() == last), WAIT);
      assertThat(c.pubOffsets(ch)).containsExactly(1L, 2L);
    }
  }

  @Test
  void presenceCountsSubscribersOnEveryNode() {
    String ch = channel();
    subscriber(0, "alice", ch);
    subscriber(1, "bob", ch);
    subscriber(1, "bob", ch); // the same user twice: two clients, one user
    for (int i = 0; i < 3; i++) {
      ApiClient api = api(i);
      Await.until("presence_stats from every node counts both nodes", WAIT, () -> {
        JsonNode s = api.ok("presence_stats", "{\"channel\":\"" + ch + "\"}");
        return s.path("num_clients").asInt() == 3 && s.path("num_users").asInt() == 2;
      });
    }
    JsonNode presence = api(2).ok("presence", "{\"channel\":\"" + ch + "\"}").path("presence");
    List<String> users = new ArrayList<>();
    presence.forEach(info -> users.add(info.path("user").asText()));
    assertThat(users).containsExactlyInAnyOrder("alice", "bob", "bob");
  }

  @Test
  void infoAndChannelsAreClusterWide() {
    String prefix = "chat:" + UUID.randomUUID();
    String a = prefix + "-a", b = prefix + "-b", other = channel();
    subscriber(0, "u1", a);
    subscriber(1, "u2", a);
    subscriber(2, "u3", a);
    subscriber(2, "u4", b);
    subscriber(1, "u5", other);
    // Channels are asked of every node when called: each filters by the pattern and answers at once.
    for (int i = 0; i < 3; i++) {
      JsonNode channels = api(i).ok("channels", "{\"pattern\":\"" + prefix + "-*\"}").path("channels");
      assertThat(channels.toString()).as("channels asked on node %d", i + 1)
          .isEqualTo("{\"" + a + "\":{\"num_clients\":3},\"" + b + "\":{\"num_clients\":1}}");
    }
    // Summaries are shared every 2 s.
    Await.until("info on node 1 counts the subscriptions of all 3 nodes", WAIT, () -> {
      JsonNode nodes = api(0).ok("info", "{}").path("nodes");
      int subs = 0;
      for (JsonNode n : nodes) subs += n.path("num_subs").asInt();
      return nodes.size() == 3 && subs >= 5;
    });
    JsonNode info = api(0).ok("info", "{}");
    List<String> names = new ArrayList<>();
    info.path("nodes").forEach(n -> names.add(n.path("name").asText()));
    assertThat(names).containsExactlyInAnyOrder("node-1", "node-2", "node-3");
  }

  @Test
  void theSharedNodeMapHoldsSummariesWithoutChannelLists() {
    subscriber(0, "u1", channel());
    subscriber(1, "u2", channel());
    Map<String, JsonObject> shared = Await.value("three node summaries in the shared map", WAIT, () -> {
      Map<String, JsonObject> m = nodeMap();
      return m.size() == 3 ? m : null;
    });
    for (JsonObject summary : shared.values()) {
      assertThat(summary.containsKey("channels")).as("a channel list in %s", summary).isFalse();
      assertThat(summary.containsKey("num_channels")).as("the channel count in %s", summary).isTrue();
    }
  }

  @Test
  void aListedNodeThatDoesNotAnswerFailsChannelsWithAnInternalErrorAndAGoneOneIsSkipped() {
    String ch = channel();
    subscriber(2, "u1", ch);
    String gone = "gone-" + UUID.randomUUID(); // listed, but its consumer is gone with it
    putNode(gone);
    assertThat(api(0).ok("channels", "{\"pattern\":\"" + ch + "\"}").path("channels").path(ch).path("num_clients").asInt()).isEqualTo(1);

    String silent = "silent-" + UUID.randomUUID();
    MessageConsumer<Object> stuck = cluster.node(1).vertx().eventBus().consumer(STATS_DOOR + silent, m -> { /* never answers */ });
    try {
      Await.result(stuck.completion());
      putNode(silent);
      ApiClient.Response r = api(0).call("channels", "{\"pattern\":\"" + ch + "\"}");
      assertThat(r.error()).as("answer %s", r.text()).isNotNull();
      assertThat(r.error().path("code").asInt()).isEqualTo(100);
    } finally {
      Await.result(stuck.unregister());
      removeNode(silent);
      removeNode(gone);
    }
    assertThat(api(0).ok("channels", "{\"pattern\":\"" + ch + "\"}").path("channels").path(ch).path("num_clients").asInt()).isEqualTo(1);
  }

  private static final String NODE_MAP = "rebound.nodes";
  private static final String STATS_DOOR = "rebound.stats.channels.";

  private static Map<String, JsonObject> nodeMap() {
    return Await.result(cluster.node(0).vertx().sharedData().<String, JsonObject>getAsyncMap(NODE_MAP).compose(AsyncMap::entries));
  }

  private static void putNode(String uid) {
    Await.result(cluster.node(0).vertx().sharedData().<String, JsonObject>getAsyncMap(NODE_MAP)
        .compose(m -> m.put(uid, new JsonObject().put("uid", uid).put("name", uid), 60_000)));
  }

  private static void removeNode(String uid) {
    Await.result(cluster.node(0).vertx().sharedData().<String, JsonObject>getAsyncMap(NODE_MAP).compose(m -> m.remove(uid)));
  }

  @Test
  void aUsersSyncPositionIsSharedByTheWholeCluster() {
    String user = "sync-" + System.nanoTime();
    String ch = "personal:#" + user;
    String token = cluster.broker(0).sign(java.util.Map.of("sub", user, "exp", System.currentTimeMillis() / 1000 + 3600, "channels", List.of(ch)));
    for (int i = 1; i <= 3; i++) api(0).ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"n\":" + i + "}}");

    RawClient onNode2 = open.add(RawClient.connected(clients.get(), cluster.broker(1).port(), token));
    JsonNode first = onNode2.reply(1).path("connect").path("subs").path(ch);
    assertThat(first.path("publications")).hasSize(3);
    onNode2.awaitPings(1, WAIT); // answered: everything before it is acknowledged, in the cluster-wide map
    io.rebound.engine.hazelcast.HazelcastSyncPositions positions = io.rebound.engine.hazelcast.HazelcastSyncPositions.create(cluster.node(2).hz(), clients.get());
    Await.until("position 3 stored", WAIT, () -> {
      io.rebound.core.StreamPosition p = Await.result(positions.get(ch, user));
      return p != null && p.offset() == 3;
    });
    onNode2.close();

    api(2).ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"n\":4}}");
    RawClient onNode3 = open.add(RawClient.connected(clients.get(), cluster.broker(2).port(), token));
    JsonNode second = onNode3.reply(1).path("connect").path("subs").path(ch);
    assertThat(second.path("recovered").asBoolean()).isTrue();
    assertThat(second.path("publications")).hasSize(1);
    assertThat(second.path("publications").get(0).path("data").path("n").asInt()).isEqualTo(4);
  }
}
