package io.rebound.webhook.hazelcast;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.map.IMap;
import io.rebound.testing.Await;
import io.rebound.testing.HazelcastClusterExtension;
import io.rebound.testing.HazelcastTestCluster.Node;
import io.rebound.testing.HeldPartitionThreads;
import io.rebound.webhook.LedgerHost;
import io.rebound.webhook.SessionRecord;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Hazelcast webhook ledger's writes under the member-wide fail-on-indeterminate-operation-state (cluster.xml, for
 * history appends), with members whose partition threads are held busy as a loaded machine holds them:
 * <ul>
 *   <li>a session record stored or removed while its backup confirms late is stored or removed: the partition owner
 *       applied it. (Before, the write failed with "backup acks missed", the node counted its ledger as failing and
 *       held every webhook batch until the backup caught up.)
 *   <li>a dead member's record whose disconnect was delivered is removed even when the member owning its partition
 *       leaves while the removal waits there: the removal is sent again to the new owner. (Before, the failure was
 *       ignored and the record stayed, to be reported a second time should the reporter die before it destroys the
 *       map.)
 * </ul>
 */
class HazelcastLedgerLateBackupIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  /** A cluster per test: the second one terminates a member. */
  @RegisterExtension
  final HazelcastClusterExtension cluster = HazelcastClusterExtension.of(3);

  @Test
  void sessionRecordsAreStoredAndRemovedWhileTheirBackupIsLate() {
    Node owner = cluster.node(0);
    HazelcastSessionLedger ledger = new HazelcastSessionLedger(owner.hz());
    result(ledger.start(new Host(owner.vertx())), 60);
    IMap<String, String> stored = owner.hz().getMap(HazelcastSessionLedger.MAP_PREFIX + owner.hz().getCluster().getLocalMember().getUuid());
    // Whichever member holds the backup of the record's partition confirms late. The key is chosen once they are held:
    // holding waits for the migrations after the start to end, before which its owner could still change.
    try (HeldPartitionThreads held = HeldPartitionThreads.of(cluster.node(1).hz(), cluster.node(2).hz())) {
      String client = keyOwnedBy(owner.hz(), "client-");
      SessionRecord record = new SessionRecord(client, "alice", "node-1", 2, List.of("chat"), null);
      result(ledger.put(record), 60); // failed with "backup acks missed" before IdempotentWrites.runOnce
      assertThat(SessionRecord.fromJson(stored.get(client))).isEqualTo(record);
      result(ledger.delete(client), 60);
      assertThat(stored.containsKey(client)).isFalse();
    } finally {
      result(ledger.stop(false), 60);
    }
  }

  @Test
  void aDeliveredDisconnectsRecordIsRemovedAlthoughItsPartitionOwnerLeftDuringTheRemoval() {
    Node reporter = cluster.node(0); // the oldest member: the one that reports dead members' sessions
    HazelcastInstance leaving = cluster.node(1).hz();
    // Owners are read once the migrations after the start are over (before, they still move).
    Await.until("partitions settled", WAIT, () -> reporter.hz().getPartitionService().isClusterSafe());
    IMap<String, String> deadMembersMap = reporter.hz().getMap(HazelcastSessionLedger.MAP_PREFIX + UUID.randomUUID());
    String delivered = keyOwnedBy(leaving, "delivered-");
    String waiting = "waiting-" + UUID.randomUUID();
    deadMembersMap.set(delivered, new SessionRecord(delivered, "alice", "node-9", 3, List.of("chat"), null).toJson());
    deadMembersMap.set(waiting, new SessionRecord(waiting, "bob", "node-9", 1, List.of(), null).toJson());

    Backend host = new Backend(reporter.vertx());
    HazelcastDeadMembers deadMembers = new HazelcastDeadMembers(reporter.hz(), host);
    host.context().runOnContext(v -> deadMembers.start());
    try {
      // A member it never saw is reported a scan after it was first found absent.
      Runnable onDelivered = Await.value("the disconnect of " + delivered + " offered", WAIT, () -> host.offered.get(delivered));
      // The removal will wait, unanswered, on the partition thread of the member that owns its partition...
      try (HeldPartitionThreads held = HeldPartitionThreads.of(leaving)) {
        int queuedBefore = queuedOperations(leaving);
        host.context().runOnContext(v -> onDelivered.run());
        Await.until("the removal queued on the owner", WAIT, () -> queuedOperations(leaving) > queuedBefore);
        // ...which then leaves the cluster without answering.
        leaving.getLifecycleService().terminate();
      }
      Await.until("the delivered record removed", WAIT, () -> !deadMembersMap.containsKey(delivered));
      assertThat(deadMembersMap.containsKey(waiting)).as("the record still waiting for buffer room").isTrue();
    } finally {
      host.context().runOnContext(v -> deadMembers.stop());
    }
  }

  private static String keyOwnedBy(HazelcastInstance member, String prefix) {
    for (int i = 0; ; i++) {
      String key = prefix + i + "-" + UUID.randomUUID();
      if (member.getPartitionService().getPartition(key).getOwner().localMember()) return key;
    }
  }

  /** Operations waiting in {@code member}'s partition and generic queues (Hazelcast internals: no public view). */
  private static int queuedOperations(HazelcastInstance member) {
    return ((HazelcastInstanceProxy) member).getOriginal().node.getNodeEngine().getOperationService().getOperationExecutorQueueSize();
  }

  /** A webhook service's view as the ledger sees it, on a context of its own; nothing to report. */
  private static class Host implements LedgerHost {
    private final Vertx vertx;
    private final Context context;

    Host(Vertx vertx) {
      this.vertx = vertx;
      this.context = vertx.getOrCreateContext();
    }

    @Override public Vertx vertx() { return vertx; }
    @Override public Context context() { return context; }
    @Override public String nodeName() { return "node-1"; }
    @Override public boolean reportLost(SessionRecord record, Runnable onDelivered) { return false; }
    @Override public void rewriteAll() { }
  }

  /**
   * A backend that takes every disconnect and answers only when the test runs the callback ({@link #offered}, by
   * client): the report never finishes, so the dead member's map is never destroyed under the test.
   */
  private static final class Backend extends Host {
    final Map<String, Runnable> offered = new ConcurrentHashMap<>();

    Backend(Vertx vertx) {
      super(vertx);
    }

    @Override
    public boolean reportLost(SessionRecord record, Runnable onDelivered) {
      offered.put(record.client(), onDelivered);
      return true;
    }
  }
}
