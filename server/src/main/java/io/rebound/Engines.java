package io.rebound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.core.HazelcastInstance;
import io.rebound.bus.Addresses;
import io.rebound.bus.ClusterSigner;
import io.rebound.bus.EventBusBroadcaster;
import io.rebound.config.BrokerConfig;
import io.rebound.config.Engine;
import io.rebound.engine.Broadcaster;
import io.rebound.engine.HistoryEngine;
import io.rebound.engine.PresenceStore;
import io.rebound.engine.SyncPositionStore;
import io.rebound.engine.hazelcast.ClusterRejoins;
import io.rebound.engine.hazelcast.ClusterSafety;
import io.rebound.engine.hazelcast.HazelcastHistory;
import io.rebound.engine.hazelcast.HazelcastPresence;
import io.rebound.engine.hazelcast.HazelcastSyncPositions;
import io.rebound.engine.memory.MemoryHistory;
import io.rebound.engine.memory.MemoryPresence;
import io.rebound.engine.memory.MemorySyncPositions;
import io.rebound.engine.redis.RedisBroadcaster;
import io.rebound.engine.redis.RedisConnections;
import io.rebound.engine.redis.RedisHistory;
import io.rebound.engine.redis.RedisPresence;
import io.rebound.engine.redis.RedisSyncPositions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.rebound.hazelcast.TolerantClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.rebound.webhook.SessionLedger;
import io.rebound.webhook.hazelcast.HazelcastSessionLedger;
import io.rebound.webhook.redis.RedisSessionLedger;

/**
 * The storage and transport a node runs on, chosen by {@code engine} / {@code history_engine}:
 * memory (one node), Hazelcast (clustered event bus, replicated history and presence), Redis (history,
 * pub/sub and presence in Redis, nodes need no Vert.x cluster). The sync position store always lives in
 * the history engine's store, so positions last as long as the history they point into. Every
 * Redis-backed part shares the node's one {@link RedisConnections}.
 */
record Engines(HistoryEngine history, SyncPositionStore syncPositions, Broadcaster broadcaster, PresenceStore presence,
    ClusterSafety cluster, ClusterRejoins rejoins, RedisConnections redis) {

  /**
   * A Vert.x instance for the config: clustered through Hazelcast for {@code engine: hazelcast}
   * (configured by {@code -Dvertx.hazelcast.config=FILE}, else the packaged {@code cluster.xml}), joined as
   * {@link ClusterMember} says: under the secret-derived name, on the cluster interface only.
   */
  static Future<Vertx> vertxFor(BrokerConfig config, VertxOptions options) {
    if (config.engine() != Engine.HAZELCAST) return Future.succeededFuture(Vertx.vertx(options));
    ClusterMember member;
    try {
      member = ClusterMember.of(ConfigUtil.loadConfig(), config.cluster());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    member.applyTo(options.getEventBusOptions());
    return Vertx.builder().with(options).withClusterManager(new TolerantClusterManager(member.hazelcast(), Addresses::reroutedByBroadcaster)).buildClustered();
  }

  static Future<Engines> create(BrokerConfig config, Vertx vertx) {
    HazelcastInstance hz = hazelcast(vertx);
    if (config.engine() == Engine.HAZELCAST && hz == null) {
      return Future.failedFuture(new IllegalStateException("engine hazelcast needs a clustered Vert.x instance"));
    }
    boolean usesRedis = config.engine() == Engine.REDIS || config.historyEngine() == Engine.REDIS;
    RedisConnections redis = usesRedis ? RedisConnections.create(vertx, config.redis()) : null;
    Future<Storage> storage = switch (config.historyEngine()) {
      case MEMORY -> Future.succeededFuture(new Storage(new MemoryHistory(config.limits().historyMemoryLimit()), new MemorySyncPositions()));
      case REDIS -> RedisHistory.connect(redis).compose(h -> RedisSyncPositions.connect(redis)
          .map(s -> new Storage(h, s))
          .recover(e -> h.close().transform(ignored -> Future.failedFuture(e))));
      case HAZELCAST -> Future.succeededFuture(
          new Storage(HazelcastHistory.create(hz, vertx), HazelcastSyncPositions.create(hz, vertx)));
    };
    ClusterSigner signer = ClusterSigner.of(config.cluster().secret());
    Future<Engines> engines = storage.compose(st -> switch (config.engine()) {
      case MEMORY -> EventBusBroadcaster.start(vertx, signer).map(b ->
          new Engines(st.history(), st.sync(), b, new MemoryPresence(), null, null, redis));
      // A member that was cut off from the cluster missed the other side's fan-out: once it has merged back, the edges
      // re-read their channels from history (Hub.resync), as after a Redis pub/sub reconnect.
      case HAZELCAST -> EventBusBroadcaster.start(vertx, signer).map(b -> new Engines(st.history(), st.sync(), b,
          new HazelcastPresence(hz, vertx), new ClusterSafety(hz),
          // Routes first (the other side forgot them while apart, EventBusBroadcaster#reroute), then the re-read.
          ClusterRejoins.listen(hz, () -> vertx.runOnContext(v -> b.reroute().onComplete(ar ->
              vertx.eventBus().publish(Addresses.EDGE_RESYNC, null, new DeliveryOptions().setLocalOnly(true))))),
          redis));
      case REDIS -> redisFanoutAndPresence(vertx, redis)
          .map(fp -> new Engines(st.history(), st.sync(), fp.broadcaster(), fp.presence(), null, null, redis))
          .recover(e -> st.close().transform(ignored -> Future.failedFuture(e)));
    });
    return engines.recover(e -> (redis == null ? Future.<Void>succeededFuture() : redis.close())
        .transform(ignored -> Future.failedFuture(e)));
  }

  private record FanoutAndPresence(RedisBroadcaster broadcaster, RedisPresence presence) {}

  private static Future<FanoutAndPresence> redisFanoutAndPresence(Vertx vertx, RedisConnections redis) {
    // Redis pub/sub loses what is published while the subscriber connection is down: after every
    // resubscription the edges re-read their channels from history (Hub.resync).
    return RedisBroadcaster.start(redis)
        .onSuccess(b -> b.onResubscribed(() -> vertx.eventBus().publish(Addresses.EDGE_RESYNC, null, new DeliveryOptions().setLocalOnly(true))))
        .compose(b -> RedisPresence.start(redis, RedisPresence.DEFAULT_TTL)
            .map(p -> new FanoutAndPresence(b, p))
            .recover(e -> b.close().transform(ignored -> Future.failedFuture(e))));
  }

  /** The history engine and the sync position store kept beside it. */
  private record Storage(HistoryEngine history, SyncPositionStore sync) {
    Future<Void> close() {
      return history.close().transform(ar -> sync.close());
    }
  }

  static HazelcastInstance hazelcast(Vertx vertx) {
    ClusterManager manager = ((VertxInternal) vertx).clusterManager();
    return manager instanceof HazelcastClusterManager hcm ? hcm.getHazelcastInstance() : null;
  }

  /** Adds {@code cluster: {members, safe, quorum}} to a health answer when clustered. */
  Future<ObjectNode> describeCluster(Vertx vertx, ObjectNode health) {
    if (cluster == null) return Future.succeededFuture(health);
    return cluster.status(vertx).map(s -> {
      ObjectNode c = health.putObject("cluster");
      c.put("members", s.members());
      c.put("safe", s.safe());
      c.put("quorum", s.quorum());
      return health;
    });
  }

  /** Presence first (a Redis store removes this node's members while its link is still open), the shared Redis connections last. */
  Future<Void> close() {
    if (rejoins != null) rejoins.close();
    return presence.close()
        .transform(ar -> broadcaster.close())
        .transform(ar -> history.close())
        .transform(ar -> syncPositions.close())
        .transform(ar -> redis == null ? Future.<Void>succeededFuture() : redis.close());
  }

  /**
   * Where the webhook session records of a node outlive it, by engine: a Hazelcast map per member, a
   * Redis hash per node with a heartbeat, or nowhere (memory: one node).
   */
  static SessionLedger webhookLedger(BrokerConfig config, Vertx vertx) {
    return switch (config.engine()) {
      case HAZELCAST -> new HazelcastSessionLedger(hazelcast(vertx));
      case REDIS -> new RedisSessionLedger(config.redis(), config.webhooks().nodeTtl());
      case MEMORY -> SessionLedger.NONE;
    };
  }
}
