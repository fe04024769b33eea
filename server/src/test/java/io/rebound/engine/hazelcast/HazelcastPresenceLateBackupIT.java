package io.rebound.engine.hazelcast;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.rebound.core.ClientInfo;
import io.rebound.core.Payload;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;
import io.rebound.core.StreamPosition;
import io.rebound.engine.HistoryEngine;
import io.rebound.hazelcast.IdempotentWrites;
import io.rebound.testing.Await;
import io.rebound.testing.HazelcastClusterExtension;
import io.rebound.testing.HazelcastTestCluster.Node;
import io.rebound.testing.HeldPartitionThreads;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Map;
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

  @Test
  void idempotentWritesSucceedWhileTheBackupIsLateAndAnAppendStillFails() {
    Node owner = cluster.node(0);
    HeldPartitionThreads held = HeldPartitionThreads.of(cluster.node(1).hz());
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
      held.close();
      presence.close();
      history.close();
    }
    assertThat(result(sync.get(syncChannel, user), 30)).isEqualTo(new StreamPosition(3, "e"));
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
}
