package io.rebound.engine.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the node when its member has merged back into the larger cluster after a network partition healed. While
 * the member was on the other side it received none of the larger side's publications, and its streams have just
 * been reconciled ({@link StreamMergePolicy}); the node's edges must then re-read their channels from history, so
 * their subscribers get what they missed in order, or learn {@code recovered: false} where a stream moved to a new
 * epoch. Hazelcast fires {@code MERGED} after this member's data has been merged.
 */
public final class ClusterRejoins implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterRejoins.class);

  private final HazelcastInstance hz;
  private final UUID registration;

  private ClusterRejoins(HazelcastInstance hz, Runnable onMerged) {
    this.hz = hz;
    this.registration = hz.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        LOG.warn("event=cluster_merged members={} action=resync_channels", hz.getCluster().getMembers().size());
        onMerged.run();
      } else if (event.getState() == LifecycleEvent.LifecycleState.MERGE_FAILED) {
        LOG.error("event=cluster_merge_failed members={}", hz.getCluster().getMembers().size());
      }
    });
  }

  /** Calls {@code onMerged} (on a Hazelcast thread) each time {@code hz} merges into another cluster. */
  public static ClusterRejoins listen(HazelcastInstance hz, Runnable onMerged) {
    return new ClusterRejoins(Objects.requireNonNull(hz, "hz"), Objects.requireNonNull(onMerged, "onMerged"));
  }

  @Override
  public void close() {
    if (hz.getLifecycleService().isRunning()) hz.getLifecycleService().removeLifecycleListener(registration);
  }
}
