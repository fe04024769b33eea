package io.rebound.engine.hazelcast;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import io.rebound.core.ClientInfo;
import io.rebound.core.Payload;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;
import io.rebound.core.StreamPosition;
import io.rebound.engine.HistoryEngine;
import io.rebound.testing.Await;
import io.rebound.testing.HazelcastClusterExtension;
import io.rebound.testing.HazelcastTestCluster.Node;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A backup that confirms late — here member 2 with every partition thread held busy, as a loaded machine holds it —
 * must not fail presence joins and leaves, nor sync-position advances: they are idempotent, the partition owner (member
 * 1) applied them, and Hazelcast's fail-on-indeterminate-operation-state, set member-wide for history appends, is not
 * about them ({@link IdempotentWrites}). A history append in the same state still fails as not confirmed.
 *
 * <p>This is what failed {@code HazelcastPresenceIT.aChannelWithManyMembersReturnsAllOfThem} under CPU load: 1,200
 * joins of one channel outran its backup by more than {@code hazelcast.operation.backup.timeout.millis} (5 s).
 */
class HazelcastPresenceLateBackupIT {

  @RegisterExtension
  static final HazelcastClusterExtension cluster = HazelcastClusterExtension.of(2);

  /** Held by {@link Hold} on member 2's partition threads until the test lets go. */
  private static volatile CountDownLatch release = new CountDownLatch(0);
  private static final Set<String> HELD_THREADS = ConcurrentHashMap.newKeySet();

  @AfterEach
  void letGo() {
    release.countDown();
  }

  @Test
  void idempotentWritesSucceedWhileTheBackupIsLateAndAnAppendStillFails() {
    Node owner = cluster.node(0);
    holdEveryPartitionThread(cluster.node(1).hz());
    String presenceChannel = ownedBy(owner.hz(), "presence-");
    String historyChannel = ownedBy(owner.hz(), "history-");
    String syncChannel = "sync-" + System.nanoTime();
    String user = userWhoseSyncKeyIsOwnedBy(owner.hz(), syncChannel);
    HazelcastPresence presence = new HazelcastPresence(owner.hz(), owner.vertx());
    HistoryEngine history = HazelcastHistory.create(owner.hz(), owner.vertx());
    HazelcastSyncPositions sync = HazelcastSyncPositions.create(owner.hz(), owner.vertx());
    try {
      ClientInfo alice = new ClientInfo("alice", "client-1", null, null);
      result(presence.add(presenceChannel, alice), 60); // failed with "backup acks missed" before IdempotentWrites
      assertThat(result(presence.get(presenceChannel), 30)).containsEntry("client-1", alice);
      result(sync.advance(syncChannel, user, new StreamPosition(3, "e"), Duration.ofMinutes(1)), 60);

      Future<?> append = history.append(historyChannel, new Publication(0, Payload.json("{}"), null, Map.of()),
          StreamOptions.of(10, Duration.ofMinutes(1)), null);
      Await.until("the append to end", Duration.ofSeconds(60), append::isComplete);
      assertThat(append.failed()).as("an append without its backup's confirmation is not acknowledged").isTrue();
      assertThat(append.cause()).hasMessageContaining("not confirmed");

      result(presence.remove(presenceChannel, "client-1"), 60);
      assertThat(result(presence.get(presenceChannel), 30)).isEmpty();
    } finally {
      release.countDown();
      presence.close();
      history.close();
    }
    assertThat(result(sync.get(syncChannel, user), 30)).isEqualTo(new StreamPosition(3, "e"));
  }

  /**
   * Blocks every partition thread of {@code member} with a {@link Hold} on one key of each partition it owns, so that
   * no backup operation runs there until {@link #release}; returns once each of its threads holds one.
   */
  private static void holdEveryPartitionThread(HazelcastInstance member) {
    release = new CountDownLatch(1);
    HELD_THREADS.clear();
    // Every partition assigned (asking for an owner assigns them) and no migration under way, so owners stay put.
    member.getPartitionService().getPartition("any").getOwner();
    Await.until("partitions assigned and not migrating", Duration.ofSeconds(60), () -> member.getPartitionService().isClusterSafe()
        && member.getPartitionService().getPartitions().stream().allMatch(p -> p.getOwner() != null));
    Set<Integer> partitions = new HashSet<>();
    member.getPartitionService().getPartitions().forEach(p -> {
      if (p.getOwner() != null && p.getOwner().localMember()) partitions.add(p.getPartitionId());
    });
    for (int i = 0; !partitions.isEmpty(); i++) {
      String key = "hold-" + i;
      if (partitions.remove(member.getPartitionService().getPartition(key).getPartitionId())) {
        member.<String, String>getMap("rebound.test.holds").submitToKey(key, new Hold());
      }
    }
    int threads = Integer.parseInt(member.getConfig().getProperty("hazelcast.partition.operation.thread.count"));
    Await.until("every partition thread of member 2 held", Duration.ofSeconds(30), () -> HELD_THREADS.size() == threads);
  }

  private static String ownedBy(HazelcastInstance member, String prefix) {
    for (int i = 0; ; i++) {
      String key = prefix + System.nanoTime() + "-" + i;
      if (member.getPartitionService().getPartition(key).getOwner().localMember()) return key;
    }
  }

  private static String userWhoseSyncKeyIsOwnedBy(HazelcastInstance member, String channel) {
    for (int i = 0; ; i++) {
      String user = "user-" + i;
      if (member.getPartitionService().getPartition(HazelcastSyncPositions.key(channel, user)).getOwner().localMember()) return user;
    }
  }

  /** Occupies the partition thread it runs on until {@link #release}; changes nothing, so it has no backup. */
  static final class Hold implements EntryProcessor<String, String, Void> {
    @Override
    public Void process(Map.Entry<String, String> entry) {
      HELD_THREADS.add(Thread.currentThread().getName());
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }

    @Override
    public EntryProcessor<String, String, Void> getBackupProcessor() {
      return null;
    }
  }
}
