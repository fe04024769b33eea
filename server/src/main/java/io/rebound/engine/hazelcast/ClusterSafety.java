package io.rebound.engine.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * Whether the Hazelcast cluster can lose a member right now without losing data: "safe" means every
 * partition has its owner and its backups in sync (no migration running). Used by {@code /health},
 * the Kubernetes readiness probe and the rolling-restart procedure: stop the next member only once
 * {@link #isClusterSafe()} is true again.
 *
 * <p>{@link #isClusterSafe()} and {@link #isMemberSafe()} ask other members and block: call them from a
 * worker thread, or use {@link #status(Vertx)} from an event loop.
 */
public final class ClusterSafety {

  private final HazelcastInstance hz;

  public ClusterSafety(HazelcastInstance hz) {
    this.hz = Objects.requireNonNull(hz, "hz");
  }

  /** True when all partitions of the cluster have up-to-date backups and no migration is running. Blocking. */
  public boolean isClusterSafe() {
    return hz.getLifecycleService().isRunning() && hz.getPartitionService().isClusterSafe();
  }

  /** True when this member's partitions have up-to-date backups, i.e. this member may be stopped. Blocking. */
  public boolean isMemberSafe() {
    return hz.getLifecycleService().isRunning() && hz.getPartitionService().isLocalMemberSafe();
  }

  /** Members of the cluster as this member sees them (0 once this member has stopped). Non-blocking. */
  public int memberCount() {
    return hz.getLifecycleService().isRunning() ? hz.getCluster().getMembers().size() : 0;
  }

  /**
   * Whether this member sees enough members for the history map's split-brain protection (cluster.xml
   * {@code <split-brain-protection>}): false on the minority side of a network partition, and while a cluster starts
   * with fewer members than the minimum; history reads and appends are refused then. True when no protection is
   * configured. Non-blocking.
   */
  public boolean hasQuorum() {
    if (!hz.getLifecycleService().isRunning()) return false;
    String name = hz.getConfig().getMapConfig(HazelcastHistory.MAP_NAME).getSplitBrainProtectionName();
    return name == null || hz.getSplitBrainProtectionService().getSplitBrainProtection(name).hasMinimumSize();
  }

  /** Member count, cluster safety and quorum, computed on a worker thread (safe to call from an event loop). */
  public Future<Status> status(Vertx vertx) {
    return vertx.executeBlocking(() -> new Status(memberCount(), isClusterSafe(), hasQuorum()), false);
  }

  /**
   * A snapshot for {@code /health}.
   *
   * @param members members in the cluster
   * @param safe whether one more member may leave without losing data
   * @param quorum whether history is available here ({@link #hasQuorum()})
   */
  public record Status(int members, boolean safe, boolean quorum) {

    /** {@code {"members":N,"safe":true,"quorum":true}}, the value of {@code /health}'s {@code cluster} field. */
    public JsonObject toJson() {
      return new JsonObject().put("members", members).put("safe", safe).put("quorum", quorum);
    }
  }
}
