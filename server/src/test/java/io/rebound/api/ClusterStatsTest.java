package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.bus.ClusterSigner;
import io.rebound.core.NodeStats;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.rebound.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ClusterStats} and {@link ClusterChannels} on one real (not clustered) Vert.x: several
 * "nodes" share its async map and event bus exactly as clustered nodes share Hazelcast's, so the
 * summary in the map, the on-demand {@code channels} requests, their sealing and a node that does not
 * answer are all seen without a cluster.
 */
class ClusterStatsTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String SECRET = "cluster-stats-test-secret";
  /** How long a node that does answer may take: generous, a loaded machine is slow, not wrong. */
  private static final long ANSWER_MS = 30_000;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  private static NodeStats stats(Map<String, Integer> channels) {
    return new NodeStats(5, 4, channels, channels.values().stream().mapToInt(Integer::intValue).sum());
  }

  /** A started node whose channels are {@code channels}; {@code timeoutMs}: how long its {@code channels} waits for the others. */
  private ClusterStats node(String name, Map<String, Integer> channels, long timeoutMs) {
    ClusterStats s = new ClusterStats(vertx, () -> Future.succeededFuture(stats(channels)), name, ClusterSigner.of(SECRET), timeoutMs);
    // As the API verticle does: the door and the timer belong to a context.
    vertx.getOrCreateContext().runOnContext(v -> s.startPublishing());
    return s;
  }

  private Map<String, JsonObject> shared() {
    return Await.result(vertx.sharedData().<String, JsonObject>getAsyncMap(ClusterStats.MAP).compose(AsyncMap::entries));
  }

  private Map<String, Integer> channels(ClusterStats asker, String pattern) {
    Map<String, Integer> out = new HashMap<>();
    Await.result(asker.channels(pattern)).path("channels").properties().forEach(e -> out.put(e.getKey(), e.getValue().path("num_clients").asInt()));
    return out;
  }

  @Test
  void theSharedMapHoldsEachNodesSummaryAndNoChannelList() {
    Map<String, Integer> many = new HashMap<>();
    for (int i = 0; i < 5_000; i++) many.put("room:" + i, 1 + i % 3);
    node("big", many, 1_000);
    Await.until("the summary is shared", WAIT, () -> shared().size() == 1);
    JsonObject summary = shared().values().iterator().next();
    assertThat(summary.fieldNames()).containsExactlyInAnyOrder("uid", "name", "version", "num_clients", "num_users",
        "num_channels", "num_subs", "uptime", "num_clients_by_transport");
    assertThat(summary.getInteger("num_channels")).isEqualTo(5_000);
    assertThat(summary.getInteger("num_subs")).isEqualTo(many.values().stream().mapToInt(Integer::intValue).sum());
    assertThat(summary.encode().length()).as("no channel list: %s", summary).isLessThan(400);
  }

  @Test
  void channelsAsksEveryNodeAndSumsOnlyTheMatchingChannels() {
    ClusterStats a = node("a", Map.of("chat:1", 2, "chat:2", 1, "news", 7), ANSWER_MS);
    node("b", Map.of("chat:1", 3, "other", 1), ANSWER_MS);
    node("c", Map.of("chat:3", 1), ANSWER_MS);
    Await.until("three nodes listed", WAIT, () -> shared().size() == 3);
    assertThat(channels(a, "chat:*")).containsExactlyInAnyOrderEntriesOf(Map.of("chat:1", 5, "chat:2", 1, "chat:3", 1));
    assertThat(channels(a, "")).containsExactlyInAnyOrderEntriesOf(Map.of("chat:1", 5, "chat:2", 1, "chat:3", 1, "news", 7, "other", 1));
    assertThat(Await.result(a.channels("chat:*")).path("channels").fieldNames()).toIterable().containsExactly("chat:1", "chat:2", "chat:3");
  }

  @Test
  void aListedNodeThatDoesNotAnswerFailsTheCallWithAnInternalError() {
    ClusterStats a = node("a", Map.of("chat:1", 2), 300);
    Await.until("listed", WAIT, () -> shared().size() == 1);
    String silent = "silent-node";
    vertx.eventBus().consumer(ClusterChannels.addressOf(silent), m -> { /* never answers: a stuck or partitioned node */ });
    put(silent, new JsonObject().put("uid", silent).put("name", "silent"));
    Throwable failure = Await.failure(a.channels(""));
    assertThat(failure).isInstanceOf(ProtocolException.class);
    assertThat(((ProtocolException) failure).error()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(failure.getMessage()).contains("silent");
  }

  @Test
  void aListedNodeWithoutADoorIsSkippedAndAnOlderNodesSharedListIsRead() {
    ClusterStats a = node("a", Map.of("chat:1", 2), ANSWER_MS);
    Await.until("listed", WAIT, () -> shared().size() == 1);
    put("gone", new JsonObject().put("uid", "gone").put("name", "gone")); // left the cluster; its entry has not expired yet
    put("older", new JsonObject().put("uid", "older").put("name", "older").put("channels", new JsonObject().put("chat:1", 4).put("x", 1)));
    assertThat(channels(a, "chat:*")).containsExactlyInAnyOrderEntriesOf(Map.of("chat:1", 6));
  }

  @Test
  void aNodeAnswersOnlyRequestsSealedWithTheClusterSecret() {
    node("a", Map.of("personal:#alice", 1), ANSWER_MS);
    Await.until("listed", WAIT, () -> shared().size() == 1);
    String address = ClusterChannels.addressOf(shared().keySet().iterator().next());
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(ANSWER_MS);
    long now = System.currentTimeMillis();
    JsonObject query = new JsonObject().put("pattern", "");
    for (Object forged : new Object[] {query.copy().put("ts", now), ClusterSigner.of("not-the-secret").seal(query, now),
        ClusterSigner.of(SECRET).seal(query, now - 3_600_000)}) {
      Throwable refused = Await.failure(vertx.eventBus().request(address, forged, options));
      assertThat(refused).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) refused).failureCode()).isEqualTo(ClusterChannels.REFUSED);
    }
    Buffer answer = Await.result(vertx.eventBus().<Buffer>request(address, ClusterSigner.of(SECRET).seal(query, now), options)).body();
    assertThat(answer.toString()).isEqualTo("{\"personal:#alice\":1}");
  }

  private void put(String uid, JsonObject summary) {
    Await.result(vertx.sharedData().<String, JsonObject>getAsyncMap(ClusterStats.MAP).compose(m -> m.put(uid, summary, 60_000)));
  }
}
