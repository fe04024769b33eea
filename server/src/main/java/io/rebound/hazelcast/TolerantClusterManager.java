package io.rebound.hazelcast;

import com.hazelcast.config.Config;
import io.vertx.core.Completable;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Vert.x's Hazelcast cluster manager, with the outcome of its own map writes judged as {@link IdempotentWrites}
 * judges Rebound's. The member-wide {@code hazelcast.operation.fail.on.indeterminate.state} (for history appends, see
 * cluster.xml) also fails Vert.x's writes whose backup acknowledged late, although the partition owner applied them:
 * the node's entry in {@code __vertx.nodeInfo} written while it joins (a node starting beside another one, during
 * migrations, then exited with "backup acks missed") and the event-bus registrations in {@code __vertx.subs} (a
 * consumer that failed to register although it was registered). Those writes are idempotent — the same node entry,
 * a registration added to or removed from a set — so a late backup ack counts as done, and a write whose partition
 * owner left before answering is made again, up to {@link IdempotentWrites#ATTEMPTS} times in all.
 */
public final class TolerantClusterManager extends HazelcastClusterManager {

  /** A manager that starts its Hazelcast member from {@code config} when Vert.x joins the cluster. */
  public TolerantClusterManager(Config config) {
    super(config);
  }

  @Override
  public void setNodeInfo(NodeInfo nodeInfo, Completable<Void> promise) {
    attempt(p -> super.setNodeInfo(nodeInfo, p), promise, 1);
  }

  @Override
  public void addRegistration(String address, RegistrationInfo registrationInfo, Completable<Void> promise) {
    attempt(p -> super.addRegistration(address, registrationInfo, p), promise, 1);
  }

  @Override
  public void removeRegistration(String address, RegistrationInfo registrationInfo, Completable<Void> promise) {
    attempt(p -> super.removeRegistration(address, registrationInfo, p), promise, 1);
  }

  /** One of the cluster manager's writes, reporting to the promise it is given. */
  private interface Write {
    void to(Completable<Void> promise);
  }

  private static void attempt(Write write, Completable<Void> promise, int attempt) {
    write.to((result, failure) -> {
      if (failure == null) {
        promise.succeed(result);
        return;
      }
      switch (IdempotentWrites.outcome(failure)) {
        case APPLIED -> promise.succeed(null);
        case UNKNOWN -> {
          if (attempt < IdempotentWrites.ATTEMPTS) attempt(write, promise, attempt + 1);
          else promise.fail(failure);
        }
        case FAILED -> promise.fail(failure);
      }
    });
  }
}
