package io.rebound;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.LocalMapStats;
import io.rebound.engine.hazelcast.ClusterSafety;
import io.rebound.engine.hazelcast.HazelcastHistory;
import io.rebound.metrics.BrokerMetrics;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the cluster gauges of {@link BrokerMetrics} current on a Hazelcast node: members, safety and the history this
 * member owns, sampled every {@link #PERIOD_MS} on a worker thread (the safety check asks other members and blocks), so
 * a scrape only reads numbers. Nothing runs on a node without a cluster.
 */
final class ClusterMetrics {

  /** Sampling period: fine enough for alerts with {@code for: 1m}, cheap enough to ignore. */
  static final long PERIOD_MS = 5_000;

  private static final Logger LOG = LoggerFactory.getLogger(ClusterMetrics.class);

  private final Vertx vertx;
  private final ClusterSafety safety;
  private final HazelcastInstance hz;
  private final BrokerMetrics metrics;
  private final AtomicBoolean sampling = new AtomicBoolean();
  private long timer = -1;

  private ClusterMetrics(Vertx vertx, ClusterSafety safety, HazelcastInstance hz, BrokerMetrics metrics) {
    this.vertx = vertx;
    this.safety = safety;
    this.hz = hz;
    this.metrics = metrics;
  }

  /** Starts sampling when the node has a cluster; returns something to {@link #stop()} either way. */
  static ClusterMetrics start(Vertx vertx, Engines engines, BrokerMetrics metrics) {
    ClusterMetrics m = new ClusterMetrics(vertx, engines.cluster(), Engines.hazelcast(vertx), metrics);
    if (m.safety != null && m.hz != null) {
      m.sample();
      m.timer = vertx.setPeriodic(PERIOD_MS, id -> m.sample());
    }
    return m;
  }

  private void sample() {
    // The safety check waits for other members: a sick cluster must not pile samples up on the worker pool.
    if (!sampling.compareAndSet(false, true)) return;
    vertx.executeBlocking(() -> {
      if (!hz.getLifecycleService().isRunning()) return null;
      LocalMapStats history = hz.getMap(HazelcastHistory.MAP_NAME).getLocalMapStats();
      metrics.clusterSample(safety.memberCount(), safety.isClusterSafe(), history.getOwnedEntryCount(), history.getOwnedEntryMemoryCost());
      return null;
    }, false).onComplete(ar -> {
      sampling.set(false);
      if (ar.failed()) LOG.debug("event=cluster_metrics_failed error={}", ar.cause().toString());
    });
  }

  void stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
  }
}
