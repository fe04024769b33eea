package io.rebound.engine.hazelcast;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.Member;
import io.rebound.core.StreamPosition;
import io.rebound.testing.Await;
import io.rebound.testing.HazelcastClusterExtension;
import io.rebound.testing.HazelcastTestCluster.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sync positions across the hard loss of the member that owns them; its own cluster, since it kills one. */
class HazelcastSyncFailoverIT {

  private static final Duration LONG = Duration.ofMinutes(10);

  /** An instance field: a cluster of its own for every test, since the tests kill a member. */
  @RegisterExtension
  final HazelcastClusterExtension cluster = HazelcastClusterExtension.of(3);

  @Test
  void positionsSurviveATerminatedOwner() {
    Node a = cluster.node(0), victim = cluster.node(1), survivor = cluster.node(2);
    HazelcastSyncPositions viaA = HazelcastSyncPositions.create(a.hz(), a.vertx());
    List<String> channels = channelsOwnedBy(victim, "alice", 5);
    for (int i = 0; i < channels.size(); i++) {
      result(viaA.advance(channels.get(i), "alice", new StreamPosition(10 + i, "e" + i), LONG));
      // A lower offset afterwards: the survivor must see the max, i.e. the backup applied both advances.
      result(viaA.advance(channels.get(i), "alice", new StreamPosition(i, "e" + i), LONG));
    }

    // No graceful leave: the member vanishes with its partitions, as on kill -9 or a node failure.
    victim.hz().getLifecycleService().terminate();
    ClusterSafety safety = new ClusterSafety(survivor.hz());
    Await.until("two members and safe partitions", Duration.ofSeconds(60),
        () -> safety.memberCount() == 2 && safety.isClusterSafe() && new ClusterSafety(a.hz()).isClusterSafe());

    HazelcastSyncPositions viaSurvivor = HazelcastSyncPositions.create(survivor.hz(), survivor.vertx());
    for (int i = 0; i < channels.size(); i++) {
      assertThat(result(viaSurvivor.get(channels.get(i), "alice"))).isEqualTo(new StreamPosition(10 + i, "e" + i));
      result(viaSurvivor.advance(channels.get(i), "alice", new StreamPosition(20 + i, "e" + i), LONG));
      assertThat(result(viaA.get(channels.get(i), "alice"))).isEqualTo(new StreamPosition(20 + i, "e" + i));
    }
  }

  /** Fresh channel names whose position for {@code user} is owned by {@code owner}, so killing it really moves them. */
  private static List<String> channelsOwnedBy(Node owner, String user, int count) {
    Member member = owner.hz().getCluster().getLocalMember();
    List<String> out = new ArrayList<>();
    while (out.size() < count) {
      String ch = "sync-failover:" + UUID.randomUUID();
      if (member.equals(owner.hz().getPartitionService().getPartition(HazelcastSyncPositions.key(ch, user)).getOwner())) out.add(ch);
    }
    return out;
  }
}
