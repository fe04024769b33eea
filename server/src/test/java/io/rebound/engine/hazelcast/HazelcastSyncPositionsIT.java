package io.rebound.engine.hazelcast;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.MapConfig;
import io.rebound.core.StreamPosition;
import io.rebound.engine.SyncPositionStore;
import io.rebound.engine.SyncPositionStoreContractTest;
import io.rebound.testing.HazelcastClusterExtension;
import io.rebound.testing.HazelcastTestCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sync position contract against member 1 of a real three-member cluster, plus what only a
 * cluster can show: every member sees the same positions and concurrent advances from all members end
 * at the max. The cluster starts once per class; {@link HazelcastSyncFailoverIT} kills members.
 */
class HazelcastSyncPositionsIT extends SyncPositionStoreContractTest {

  @RegisterExtension
  static final HazelcastClusterExtension cluster = HazelcastClusterExtension.of(3);

  @Override
  protected Future<SyncPositionStore> newStore(Vertx vertx) {
    HazelcastTestCluster.Node member1 = cluster.node(0);
    return Future.succeededFuture(HazelcastSyncPositions.create(member1.hz(), member1.vertx()));
  }

  @Test
  void theMapHasASynchronousBackup() {
    MapConfig config = cluster.node(0).hz().getConfig().getMapConfig(HazelcastSyncPositions.MAP_NAME);
    assertThat(config.getName()).isEqualTo("rebound.sync.*");
    assertThat(config.getBackupCount()).isEqualTo(1);
    assertThat(config.isReadBackupData()).isFalse();
  }

  @Test
  void everyMemberSeesTheSamePosition() {
    String ch = channel();
    advance(ch, "alice", 3, "e1", LONG);
    for (HazelcastTestCluster.Node node : cluster.nodes()) {
      HazelcastSyncPositions other = HazelcastSyncPositions.create(node.hz(), node.vertx());
      assertThat(result(other.get(ch, "alice"))).isEqualTo(new StreamPosition(3, "e1"));
    }
  }

  @Test
  void concurrentAdvancesFromAllMembersEndAtTheMax() {
    String ch = channel();
    List<HazelcastSyncPositions> members = cluster.nodes().stream().map(n -> HazelcastSyncPositions.create(n.hz(), n.vertx())).toList();
    int perMember = 100;
    List<Future<Void>> advances = new ArrayList<>();
    for (int i = perMember; i >= 1; i--) {
      for (int m = 0; m < members.size(); m++) {
        advances.add(members.get(m).advance(ch, "alice", new StreamPosition((long) i * members.size() - m, "e1"), LONG));
      }
    }
    result(Future.all(advances), 60);
    for (HazelcastSyncPositions member : members) {
      assertThat(result(member.get(ch, "alice"))).isEqualTo(new StreamPosition((long) perMember * members.size(), "e1"));
    }
  }
}
