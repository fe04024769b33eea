package io.rebound.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.config.BrokerConfig;
import io.rebound.core.NodeStats;
import io.rebound.core.Version;
import io.rebound.metrics.BrokerMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the admin page shows about every node, cluster-wide. Each node samples its counters once a
 * second into a {@link SampleRing} of the last {@value #HISTORY_SECONDS} seconds, and every
 * {@value #PUBLISH_EVERY} samples puts a snapshot (who it is, its live numbers, and the whole ring)
 * into a shared async map with a TTL, the way {@code api.ClusterStats} shares node statistics: in a
 * Hazelcast cluster every node sees every other, a dead node's entry expires by itself, and with the
 * memory or Redis engine the map is local, so the page shows the node it is served by.
 *
 * <p>{@link #tick()} runs on the admin verticle's event loop only; {@link #nodes(long)} may be called
 * from any thread (it reads the published snapshot, a string, and the async map).
 */
final class ClusterBoard {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterBoard.class);
  static final long SAMPLE_INTERVAL_MS = 1_000;
  /** The chart's span: five minutes of seconds. */
  static final int HISTORY_SECONDS = 300;
  static final int PUBLISH_EVERY = 2;
  /** Ticks run this long after a whole second (timers are never early, this keeps them from being late into the next). */
  static final long TICK_OFFSET_MS = 20;
  /** Seconds the live rates average over, so one busy second does not make the table jump. */
  static final int RATE_SECONDS = 5;
  private static final long TTL_MS = 3 * PUBLISH_EVERY * SAMPLE_INTERVAL_MS;
  private static final String MAP = "rebound.admin.nodes";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx;
  private final BrokerConfig config;
  private final BrokerMetrics metrics;
  private final Supplier<Future<NodeStats>> stats;
  private final Supplier<Future<JsonNode>> health;
  private final Supplier<Future<Boolean>> ready;
  private final MetricsSampler sampler;
  private final SampleRing ring = new SampleRing(HISTORY_SECONDS);
  // Names come from config and may repeat (one file, several --port); the uid tells processes apart.
  private final String uid = UUID.randomUUID().toString();
  private final long startedAt = System.currentTimeMillis();
  private ObjectNode described = JSON.createObjectNode();
  private long ticks;
  private volatile String mine;

  ClusterBoard(Vertx vertx, BrokerConfig config, BrokerMetrics metrics, Supplier<Future<NodeStats>> stats,
      Supplier<Future<JsonNode>> health, Supplier<Future<Boolean>> ready) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.stats = stats;
    this.health = health;
    this.ready = ready;
    this.sampler = new MetricsSampler(metrics);
    this.mine = snapshot().toString();
  }

  String uid() {
    return uid;
  }

  /**
   * How long until the next tick should run: just after the next whole second, so that each tick
   * closes one wall-clock second and every node's samples line up by second.
   */
  static long untilNextTick(long nowMillis) {
    return 1_000 - nowMillis % 1_000 + TICK_OFFSET_MS;
  }

  /**
   * Takes the sample of the second that just ended; every {@value #PUBLISH_EVERY} seconds also
   * refreshes and shares the snapshot.
   */
  void tick() {
    // Named for the second that just ended; a tick half a second late or early still names it right.
    ring.add(sampler.sample((System.currentTimeMillis() - 500) / 1000));
    if (ticks++ % PUBLISH_EVERY != 0) {
      mine = snapshot().toString();
      return;
    }
    // The statistics complete on the edges' event loops: come back to this one before touching the ring.
    Context here = vertx.getOrCreateContext();
    describe().onComplete(ar -> here.runOnContext(v -> {
      if (ar.succeeded()) described = ar.result();
      else LOG.debug("event=admin_describe_failed error=\"{}\"", ar.cause().toString());
      String snapshot = snapshot().toString();
      mine = snapshot;
      map().compose(m -> m.put(uid, snapshot, TTL_MS))
          .onFailure(e -> LOG.debug("event=admin_share_failed error=\"{}\"", e.toString()));
    }));
  }

  /** This node's slower-changing facts: channels, users, readiness, cluster membership and safety. */
  private Future<ObjectNode> describe() {
    Future<NodeStats> s = stats.get();
    Future<JsonNode> h = health.get();
    Future<Boolean> r = ready.get();
    return Future.join(s, h, r).transform(ignored -> {
      ObjectNode out = JSON.createObjectNode();
      if (s.succeeded()) out.put("channels", s.result().channels().size()).put("users", s.result().users());
      out.put("ready", r.succeeded() && r.result());
      if (h.succeeded() && h.result().has("cluster")) out.set("cluster", h.result().get("cluster"));
      return Future.succeededFuture(out);
    });
  }

  private ObjectNode snapshot() {
    ObjectNode n = JSON.createObjectNode();
    n.put("uid", uid).put("name", config.name()).put("version", Version.SERVER)
        .put("engine", config.engine().jsonName()).put("history_engine", config.historyEngine().jsonName())
        .put("started_at", startedAt).put("sampled_at", System.currentTimeMillis())
        .put("connections", metrics.connections()).put("subscriptions", metrics.subscriptions());
    n.setAll(described);
    Runtime rt = Runtime.getRuntime();
    n.put("heap_used", rt.totalMemory() - rt.freeMemory()).put("heap_max", rt.maxMemory());
    List<Sample> recent = ring.last(RATE_SECONDS);
    n.put("publications_per_s", rate(recent, Sample::publications)).put("deliveries_per_s", rate(recent, Sample::deliveries));
    ArrayNode samples = n.putArray("samples");
    for (Sample s : ring.all()) samples.add(s.toJson());
    return n;
  }

  private static double rate(List<Sample> samples, ToLongFunction<Sample> field) {
    if (samples.isEmpty()) return 0;
    long sum = samples.stream().mapToLong(field).sum();
    return Math.round(10.0 * sum / samples.size()) / 10.0;
  }

  /**
   * Every node's snapshot (this node's as of its last sample, the others' as last shared), ordered by
   * name, each with only the samples of seconds after {@code sinceSecond}: a page that polls asks
   * only for what it has not seen.
   */
  Future<List<ObjectNode>> nodes(long sinceSecond) {
    String own = mine;
    return map().compose(AsyncMap::entries).recover(e -> Future.succeededFuture(Map.of())).map(shared -> {
      List<ObjectNode> out = new ArrayList<>();
      out.add(parse(own, sinceSecond));
      shared.forEach((id, snapshot) -> {
        if (!id.equals(uid)) out.add(parse(snapshot, sinceSecond));
      });
      out.sort(Comparator.comparing((ObjectNode n) -> n.path("name").asText()).thenComparing(n -> n.path("uid").asText()));
      return out;
    });
  }

  private static ObjectNode parse(String snapshot, long sinceSecond) {
    try {
      ObjectNode n = (ObjectNode) JSON.readTree(snapshot);
      ArrayNode kept = JSON.createArrayNode();
      for (JsonNode s : n.path("samples")) if (s.path("t").asLong() > sinceSecond) kept.add(s);
      n.set("samples", kept);
      return n;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable node snapshot", e);
    }
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(MAP);
  }
}
