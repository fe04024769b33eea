package io.rebound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.cluster.Broadcaster;
import io.rebound.cluster.EventBusBroadcaster;
import io.rebound.config.BrokerConfig;
import io.rebound.config.Engine;
import io.rebound.history.HistoryEngine;
import io.rebound.history.MemoryHistory;
import io.rebound.presence.PresenceStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * The storage and transport a node runs on, chosen by {@code engine} / {@code history_engine}:
 * memory (one node), Hazelcast (clustered event bus + replicated history), Redis (history and
 * pub/sub in Redis).
 */
record Engines(HistoryEngine history, Broadcaster broadcaster, PresenceStore presence, ClusterView cluster) {

  /** What /health says about the cluster (nothing for a single node). */
  interface ClusterView {
    void describe(ObjectNode health);
  }

  static Future<Vertx> vertxFor(BrokerConfig config, VertxOptions options) {
    if (config.engine() == Engine.HAZELCAST) return Future.failedFuture(new IllegalStateException("engine hazelcast is not available in this build"));
    return Future.succeededFuture(Vertx.vertx(options));
  }

  static Future<Engines> create(BrokerConfig config, Vertx vertx) {
    if (config.historyEngine() == Engine.MEMORY) {
      return Future.succeededFuture(new Engines(new MemoryHistory(), new EventBusBroadcaster(vertx), null, null));
    }
    return Future.failedFuture(new IllegalStateException("engine " + config.engine().jsonName() + " is not available in this build"));
  }

  void describeCluster(ObjectNode health) {
    if (cluster != null) cluster.describe(health);
  }

  Future<Void> close() {
    return broadcaster.close().transform(ar -> history.close());
  }
}
