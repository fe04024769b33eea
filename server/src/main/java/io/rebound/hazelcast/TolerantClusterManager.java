package io.rebound.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.core.LifecycleEvent;
import io.vertx.core.Completable;
import io.vertx.core.Promise;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final Logger LOG = LoggerFactory.getLogger(TolerantClusterManager.class);

  // This node's cluster-wide registrations, for telling the others about them again after a merge.
  private final Map<String, Set<RegistrationInfo>> own = new ConcurrentHashMap<>();
  private final Predicate<String> reroutedElsewhere;

  /**
   * A manager that starts its Hazelcast member from {@code config} when Vert.x joins the cluster; after a merge it
   * announces this node's registrations again except those of addresses {@code reroutedElsewhere} accepts (their
   * owner does it with care for what is in flight).
   */
  public TolerantClusterManager(Config config, Predicate<String> reroutedElsewhere) {
    super(config);
    this.reroutedElsewhere = reroutedElsewhere;
  }

  @Override
  public void setNodeInfo(NodeInfo nodeInfo, Completable<Void> promise) {
    attempt(p -> super.setNodeInfo(nodeInfo, p), promise);
  }

  @Override
  public void addRegistration(String address, RegistrationInfo registrationInfo, Completable<Void> promise) {
    if (!registrationInfo.localOnly()) own.computeIfAbsent(address, a -> ConcurrentHashMap.newKeySet()).add(registrationInfo);
    attempt(p -> super.addRegistration(address, registrationInfo, p), promise);
  }

  @Override
  public void removeRegistration(String address, RegistrationInfo registrationInfo, Completable<Void> promise) {
    own.computeIfPresent(address, (a, infos) -> {
      infos.remove(registrationInfo);
      return infos.isEmpty() ? null : infos;
    });
    attempt(p -> super.removeRegistration(address, registrationInfo, p), promise);
  }

  /**
   * After this member merged back into the cluster (a network partition healed), the other side has dropped its
   * registrations from its view while they were apart, and the merge brings the entries back without an event;
   * Vert.x's own republishing writes what is already there, which tells nobody. Removing and adding each one again
   * does: every node re-reads the address. (Sends to it during those milliseconds miss this node.)
   */
  @Override
  public synchronized void stateChanged(LifecycleEvent event) {
    super.stateChanged(event);
    if (event.getState() == LifecycleEvent.LifecycleState.MERGED) announceAgain();
  }

  /** Removes and adds again every registration of this node the others should re-read (see {@link #stateChanged}). */
  void announceAgain() {
    int[] count = {0};
    own.forEach((address, infos) -> {
      if (reroutedElsewhere.test(address)) return;
      for (RegistrationInfo info : infos) {
        count[0]++;
        super.removeRegistration(address, info, (removed, failure) -> {
          if (!own.getOrDefault(address, Set.of()).contains(info)) return; // unregistered meanwhile
          super.addRegistration(address, info, (added, again) -> {
            if (again != null) LOG.warn("event=registration_not_announced address={} error=\"{}\"", address, again.toString());
          });
        });
      }
    });
    LOG.info("event=registrations_announced count={}", count[0]);
  }

  /** One of the cluster manager's writes, reporting to the promise it is given. */
  private interface Write {
    void to(Completable<Void> promise);
  }

  /** Runs {@code write} as {@link IdempotentWrites#run(java.util.function.Supplier)} runs Rebound's idempotent writes. */
  private static void attempt(Write write, Completable<Void> promise) {
    IdempotentWrites.run(() -> {
      Promise<Void> attempt = Promise.promise();
      write.to(attempt);
      return attempt.future();
    }).onComplete(promise);
  }
}
