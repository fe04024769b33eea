package io.rebound.engine.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import java.util.Set;

/**
 * Acknowledges an append only when the cluster stayed whole around it. Hazelcast completes an operation that was
 * waiting for its backup as soon as any member leaves the cluster (the backup may have been on it), and a member that
 * just lost the others runs operations alone, without a backup, until its split-brain protection catches up. On the
 * minority side of a network partition both would acknowledge appends that only the minority has — appends the
 * majority never sees. So an append is acknowledged only if no member that was there when it was sent has left by the
 * time it completed, and this member still sees the split-brain minimum; otherwise it fails as "not confirmed" (it
 * may have been stored: the publisher retries with the same idempotency key). Cost: the few appends in flight at the
 * moment a member is declared dead fail once.
 */
final class AppendGuard {

  private final HazelcastInstance hz;
  private final int minimum;

  AppendGuard(HazelcastInstance hz, String mapName) {
    this.hz = hz;
    String protection = hz.getConfig().getMapConfig(mapName).getSplitBrainProtectionName();
    SplitBrainProtectionConfig config = protection == null ? null : hz.getConfig().getSplitBrainProtectionConfig(protection);
    this.minimum = config == null || !config.isEnabled() ? 0 : config.getMinimumClusterSize();
  }

  /** The members now, to pass to {@link #confirm} when the append completes. */
  Set<Member> before() {
    return hz.getCluster().getMembers();
  }

  /** {@code result} if the cluster stayed whole since {@code before}; else a failure saying the append is unconfirmed. */
  <T> Future<T> confirm(Set<Member> before, T result) {
    Set<Member> now = hz.getCluster().getMembers();
    if (now.containsAll(before) && now.size() >= minimum) return Future.succeededFuture(result);
    return Future.failedFuture(new IllegalStateException("not confirmed: a member left the cluster while the append was in"
        + " flight (now " + now.size() + " members" + (minimum > 0 ? ", " + minimum + " needed" : "") + "); the append may or"
        + " may not be stored, retry with the same idempotency_key"));
  }
}
