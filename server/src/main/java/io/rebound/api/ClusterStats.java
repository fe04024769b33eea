package io.rebound.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.bus.Addresses;
import io.rebound.bus.ClusterSigner;
import io.rebound.core.NodeStats;
import io.rebound.core.Version;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node statistics for the {@code info} and {@code channels} API across the cluster. Each node
 * publishes its summary — the numbers {@code info} shows, never its channel list — every {@link
 * #PUBLISH_INTERVAL_MS} into a shared async map (Hazelcast-backed when clustered) with a TTL, so a
 * dead node disappears by itself; {@code info} combines this node's live numbers with the other nodes'
 * latest summaries (at most a few seconds old, as in Centrifugo). The map's keys are also the list of
 * nodes that {@code channels} asks, on demand, for their matching channels ({@link ClusterChannels}).
 */
final class ClusterStats {

  static final long PUBLISH_INTERVAL_MS = 2_000;
  private static final long TTL_MS = 3 * PUBLISH_INTERVAL_MS;
  /** The shared map's name: uid → summary. */
  static final String MAP = "rebound.nodes";
  private static final Logger LOG = LoggerFactory.getLogger(ClusterStats.class);

  private final Vertx vertx;
  private final Supplier<Future<NodeStats>> nodeStats;
  private final String node;
  // Names come from config and may repeat (one file, several --port); the uid tells processes apart.
  private final String uid = UUID.randomUUID().toString();
  private final long startedAt = System.currentTimeMillis();
  private final ClusterChannels channels;

  ClusterStats(Vertx vertx, Supplier<Future<NodeStats>> nodeStats, String node, ClusterSigner signer) {
    this(vertx, nodeStats, node, signer, Addresses.SEND_TIMEOUT_MS);
  }

  /** @param channelsTimeoutMs how long {@code channels} waits for another node's answer */
  ClusterStats(Vertx vertx, Supplier<Future<NodeStats>> nodeStats, String node, ClusterSigner signer, long channelsTimeoutMs) {
    this.vertx = vertx;
    this.nodeStats = nodeStats;
    this.node = node;
    this.channels = new ClusterChannels(vertx, signer, nodeStats, uid, channelsTimeoutMs);
  }

  /**
   * This node's summary: {uid, name, version, num_clients, num_users, num_channels, num_subs, uptime,
   * num_clients_by_transport:{transport:{format:n}}}. Its size does not depend on the number of
   * channels.
   */
  Future<JsonObject> local() {
    return nodeStats.get().map(s -> {
      JsonObject byTransport = new JsonObject();
      s.clientsByTransport().forEach((transport, formats) -> byTransport.put(transport, new JsonObject(new HashMap<>(formats))));
      return new JsonObject().put("uid", uid).put("name", node).put("version", Version.SERVER)
          .put("num_clients", s.clients()).put("num_users", s.users()).put("num_channels", s.channels().size())
          .put("num_subs", s.subscriptions()).put("uptime", (System.currentTimeMillis() - startedAt) / 1000)
          .put("num_clients_by_transport", byTransport);
    });
  }

  /**
   * Opens this node's {@code channels} door, then shares the summary every {@link
   * #PUBLISH_INTERVAL_MS}: a node is listed only once the other nodes can ask it.
   */
  void startPublishing() {
    channels.listen().completion()
        .onFailure(e -> LOG.error("event=channels_door_failed uid={} (channels will fail while this node is listed)", uid, e))
        .onComplete(ar -> vertx.setPeriodic(0, PUBLISH_INTERVAL_MS, id -> local()
            .compose(summary -> map().compose(m -> m.put(uid, summary, TTL_MS)))
            .onFailure(e -> LOG.debug("event=node_stats_share_failed error=\"{}\"", e.toString()))));
  }

  /** Every node's summary, this node's taken now. */
  Future<List<JsonObject>> all() {
    return Future.all(local(), others()).map(cf -> {
      List<JsonObject> out = new ArrayList<>();
      out.add(cf.resultAt(0));
      Map<String, JsonObject> others = cf.resultAt(1);
      out.addAll(others.values());
      return out;
    });
  }

  /** The {@code channels} result: channel → subscribers summed over every node, filtered by {@code pattern} ("" = all). */
  Future<JsonNode> channels(String pattern) {
    return others().compose(others -> channels.channels(pattern, others));
  }

  /** The other nodes' latest summaries by uid. */
  private Future<Map<String, JsonObject>> others() {
    return map().compose(AsyncMap::entries).map(entries -> {
      Map<String, JsonObject> others = new HashMap<>(entries);
      others.remove(uid);
      return others;
    });
  }

  private Future<AsyncMap<String, JsonObject>> map() {
    return vertx.sharedData().getAsyncMap(MAP);
  }
}
