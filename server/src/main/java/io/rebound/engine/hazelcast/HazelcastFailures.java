package io.rebound.engine.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IndeterminateOperationStateException;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import io.vertx.core.Future;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns the two Hazelcast failures a partitioned or degraded cluster produces into messages a publisher can act on
 * (the API answers them as {@code 100 "history engine unavailable: …"}, a temporary error): a member on the minority
 * side of a split refuses history reads and appends (split-brain protection), and an append whose owner or backup did
 * not confirm it in time is not acknowledged ({@code hazelcast.operation.fail.on.indeterminate.state}). Anything else
 * passes unchanged.
 */
final class HazelcastFailures {

  private final HazelcastInstance hz;
  private final String mapName;

  HazelcastFailures(HazelcastInstance hz, String mapName) {
    this.hz = hz;
    this.mapName = mapName;
  }

  /** {@code cause}, explained when it is one of the two; for {@code Future.recover}. */
  <T> Future<T> explain(Throwable cause) {
    Throwable e = cause;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) e = e.getCause();
    if (e instanceof SplitBrainProtectionException) {
      return Future.failedFuture(new IllegalStateException(minorityMessage(), e));
    }
    if (e instanceof IndeterminateOperationStateException) {
      return Future.failedFuture(new IllegalStateException("not confirmed: the member holding the stream or its backup did not"
          + " answer in time (unreachable, or it left the cluster); the append may or may not be stored, retry with the same"
          + " idempotency_key", e));
    }
    return Future.failedFuture(cause);
  }

  private String minorityMessage() {
    int members = hz.getLifecycleService().isRunning() ? hz.getCluster().getMembers().size() : 0;
    String protection = hz.getConfig().getMapConfig(mapName).getSplitBrainProtectionName();
    int minimum = protection == null ? 0 : hz.getConfig().getSplitBrainProtectionConfig(protection).getMinimumClusterSize();
    return "cluster partitioned: this member sees " + members + " of the " + minimum + " members history needs (split-brain"
        + " protection); refused until the partition heals, retry";
  }
}
