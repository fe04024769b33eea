package io.rebound.engine.hazelcast;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.Member;
import io.rebound.core.AppendResult;
import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;
import io.rebound.core.StreamPosition;
import io.rebound.testing.Await;
import io.rebound.testing.HazelcastClusterExtension;
import io.rebound.testing.HazelcastTestCluster.Node;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * History across member failure and concurrent writers on different members. Each test gets its own
 * three-member cluster because the failover test kills one.
 */
class HazelcastHistoryFailoverIT {

  private static final StreamOptions OPTS = StreamOptions.of(1000, Duration.ofMinutes(10));
  private static final int PUBLICATIONS = 50;

  /** An instance field: a cluster of its own for every test, since the tests kill a member. */
  @RegisterExtension
  final HazelcastClusterExtension cluster = HazelcastClusterExtension.of(3);
  private final List<HazelcastHistory> engines = new ArrayList<>();

  @BeforeEach
  void startEngines() {
    for (Node node : cluster.nodes()) engines.add(HazelcastHistory.create(node.hz(), node.vertx()));
  }

  @AfterEach
  void stopEngines() {
    engines.forEach(HazelcastHistory::close);
  }

  @Test
  void publicationsAndEpochSurviveAHardKilledOwner() {
    Node a = cluster.node(0), victim = cluster.node(1), survivor = cluster.node(2);
    HazelcastHistory viaA = engines.get(0), viaSurvivor = engines.get(2);
    List<String> channels = channelsOwnedBy(victim, 3);

    Map<String, String> epochs = new HashMap<>();
    for (String ch : channels) {
      for (int i = 1; i <= PUBLICATIONS; i++) {
        AppendResult r = result(viaA.append(ch, Publication.of("{\"n\":" + i + "}"), OPTS, null));
        assertThat(r.position().offset()).isEqualTo(i);
        epochs.putIfAbsent(ch, r.position().epoch());
      }
    }

    // No graceful leave: the member vanishes with its partitions, as on kill -9 or a node failure.
    victim.hz().getLifecycleService().terminate();
    ClusterSafety safety = new ClusterSafety(survivor.hz());
    Await.until("two members and safe partitions", Duration.ofSeconds(60),
        () -> safety.memberCount() == 2 && safety.isClusterSafe() && new ClusterSafety(a.hz()).isClusterSafe());

    for (String ch : channels) {
      HistoryResult r = result(viaSurvivor.read(ch, new HistoryQuery(null, HistoryQuery.NO_LIMIT, false), OPTS));
      assertThat(r.top()).isEqualTo(new StreamPosition(PUBLICATIONS, epochs.get(ch)));
      assertThat(r.publications()).extracting(Publication::offset)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, PUBLICATIONS).boxed().toList());
      assertThat(r.publications().get(PUBLICATIONS - 1).data().text()).isEqualTo("{\"n\":" + PUBLICATIONS + "}");
      AppendResult next = result(viaSurvivor.append(ch, Publication.of("{\"n\":51}"), OPTS, null));
      assertThat(next.position()).isEqualTo(new StreamPosition(PUBLICATIONS + 1, epochs.get(ch)));
    }
  }

  @Test
  void concurrentAppendsFromAllMembersGetEveryOffsetOnce() {
    String ch = "failover:" + UUID.randomUUID();
    int perMember = 100;
    List<Future<AppendResult>> appends = new ArrayList<>();
    for (int i = 0; i < perMember; i++) {
      for (int m = 0; m < engines.size(); m++) {
        appends.add(engines.get(m).append(ch, Publication.of("{\"m\":" + m + ",\"i\":" + i + "}"), OPTS, null));
      }
    }
    result(Future.all(appends), 60);

    Set<Long> offsets = new HashSet<>();
    Set<String> epochs = new HashSet<>();
    for (Future<AppendResult> f : appends) {
      offsets.add(f.result().position().offset());
      epochs.add(f.result().position().epoch());
    }
    int total = perMember * engines.size();
    assertThat(offsets).hasSize(total).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
    assertThat(epochs).hasSize(1);
    HistoryResult all = result(engines.get(1).read(ch, new HistoryQuery(null, HistoryQuery.NO_LIMIT, false), OPTS));
    assertThat(all.publications()).extracting(Publication::offset)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
  }

  /** Fresh channel names whose partition owner is {@code owner}, so killing it really moves them. */
  private static List<String> channelsOwnedBy(Node owner, int count) {
    Member member = owner.hz().getCluster().getLocalMember();
    List<String> out = new ArrayList<>();
    while (out.size() < count) {
      String ch = "failover:" + UUID.randomUUID();
      if (member.equals(owner.hz().getPartitionService().getPartition(ch).getOwner())) out.add(ch);
    }
    return out;
  }
}
