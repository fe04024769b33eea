package io.rebound.api;

import io.rebound.core.NodeStats;
import io.rebound.core.Version;
import java.util.function.Supplier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Node statistics for the {@code info} and {@code channels} API across the cluster. Each node
 * publishes its own numbers every {@link #PUBLISH_INTERVAL_MS} into a shared async map (Hazelcast-backed
 * when clustered) with a TTL, so a dead node disappears by itself; answers combine this node's live
 * numbers with the other nodes' latest snapshots (at most a few seconds old, as in Centrifugo).
 */
final class ClusterStats {

  static final long PUBLISH_INTERVAL_MS = 2_000;
  private static final long TTL_MS = 3 * PUBLISH_INTERVAL_MS;
  private static final String MAP = "rebound.nodes";

  private final Vertx vertx;
  private final Supplier<Future<NodeStats>> nodeStats;
  private final String node;
  // Names come from config and may repeat (one file, several --port); the uid tells processes apart.
  private final String uid = UUID.randomUUID().toString();
  private final long startedAt = System.currentTimeMillis();

  ClusterStats(Vertx vertx, Supplier<Future<NodeStats>> nodeStats, String node) {
    this.vertx = vertx;
    this.nodeStats = nodeStats;
    this.node = node;
  }

  /**
   * A node's snapshot: {uid, name, num_clients, num_users, num_channels, num_subs, uptime,
   * num_clients_by_transport:{transport:{format:n}}, channels:{ch:n}}.
   */
  Future<JsonObject> local() {
    return nodeStats.get().map(s -> {
      JsonObject channels = new JsonObject();
      s.channels().forEach(channels::put);
      JsonObject byTransport = new JsonObject();
      s.clientsByTransport().forEach((transport, formats) -> byTransport.put(transport, new JsonObject(new HashMap<>(formats))));
      return new JsonObject().put("uid", uid).put("name", node).put("version", Version.SERVER)
          .put("num_clients", s.clients()).put("num_users", s.users()).put("num_channels", s.channels().size())
          .put("num_subs", s.subscriptions()).put("uptime", (System.currentTimeMillis() - startedAt) / 1000)
          .put("num_clients_by_transport", byTransport).put("channels", channels);
    });
  }

  void startPublishing() {
    vertx.setPeriodic(0, PUBLISH_INTERVAL_MS, id -> local().compose(snapshot -> map().compose(m -> m.put(uid, snapshot, TTL_MS))));
  }

  /** Every node's snapshot, this node's taken now. */
  Future<List<JsonObject>> all() {
    return Future.all(local(), map().compose(AsyncMap::entries)).map(cf -> {
      JsonObject mine = cf.resultAt(0);
      Map<String, JsonObject> others = cf.resultAt(1);
      List<JsonObject> out = new ArrayList<>();
      out.add(mine);
      others.forEach((name, snapshot) -> { // keyed by uid
        if (!name.equals(uid)) out.add(snapshot);
      });
      return out;
    });
  }

  /** Channel → subscribers summed over every node. */
  Future<Map<String, Integer>> channels() {
    return all().map(nodes -> {
      Map<String, Integer> out = new HashMap<>();
      for (JsonObject n : nodes) n.getJsonObject("channels", new JsonObject()).forEach(e -> out.merge(e.getKey(), ((Number) e.getValue()).intValue(), Integer::sum));
      return out;
    });
  }

  private Future<AsyncMap<String, JsonObject>> map() {
    return vertx.sharedData().getAsyncMap(MAP);
  }
}
