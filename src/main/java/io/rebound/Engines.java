package io.rebound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.cluster.Addresses;
import io.rebound.cluster.Broadcaster;
import io.rebound.cluster.redis.RedisBroadcaster;
import io.rebound.config.RedisOptions;
import io.rebound.history.redis.RedisHistory;
import io.rebound.history.redis.RedisHistoryOptions;
import io.vertx.core.eventbus.DeliveryOptions;
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
    Future<HistoryEngine> history = switch (config.historyEngine()) {
      case MEMORY -> Future.succeededFuture(new MemoryHistory());
      case REDIS -> RedisHistory.connect(vertx, redisOptions(config)).map(h -> (HistoryEngine) h);
      case HAZELCAST -> Future.failedFuture(new IllegalStateException("history_engine hazelcast is not available in this build"));
    };
    return history.compose(h -> {
      if (config.engine() != Engine.REDIS) return Future.succeededFuture(new Engines(h, new EventBusBroadcaster(vertx), null, null));
      // Redis pub/sub loses what is published while the subscriber connection is down: after every
      // resubscription the edges re-read their channels from history (Hub.resync).
      return RedisBroadcaster.start(vertx, redisOptions(config), RedisBroadcaster.DEFAULT_SHARDS)
          .onSuccess(b -> b.onResubscribed(() -> vertx.eventBus().publish(Addresses.EDGE_RESYNC, null, new DeliveryOptions().setLocalOnly(true))))
          .map(b -> new Engines(h, b, null, null))
          .recover(e -> h.close().transform(ignored -> Future.failedFuture(e)));
    });
  }

  static RedisHistoryOptions redisOptions(BrokerConfig config) {
    RedisOptions r = config.redis();
    return new RedisHistoryOptions(r.address(), r.connectTimeout(), r.commandTimeout(), r.poolSize(), RedisHistoryOptions.DEFAULT_KEY_PREFIX);
  }

  void describeCluster(ObjectNode health) {
    if (cluster != null) cluster.describe(health);
  }

  Future<Void> close() {
    return broadcaster.close().transform(ar -> history.close());
  }
}
