package io.rebound.engine.hazelcast;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.engine.HistoryEngine;
import io.rebound.engine.HistoryEngineContractTest;
import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;
import io.rebound.core.StreamPosition;
import com.hazelcast.map.IMap;
import io.rebound.testing.Await;
import io.rebound.testing.HazelcastClusterExtension;
import io.rebound.testing.HazelcastTestCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The history contract against member 1 of a real three-member cluster, plus what only a cluster can
 * show: every member sees the same streams. The cluster starts once per class ({@link HazelcastClusterExtension}) to keep the suite fast.
 */
class HazelcastHistoryIT extends HistoryEngineContractTest {

  @RegisterExtension
  static final HazelcastClusterExtension cluster = HazelcastClusterExtension.of(3);

  @Override
  protected Future<HistoryEngine> newEngine(Vertx vertx) {
    HazelcastTestCluster.Node member1 = cluster.node(0);
    return Future.succeededFuture(HazelcastHistory.create(member1.hz(), member1.vertx()));
  }

  @Test
  void everyMemberSeesTheSameStream() {
    String ch = channel();
    StreamPosition top = append(ch, "{\"n\":1}", TEN_MINUTES);
    for (HazelcastTestCluster.Node node : cluster.nodes()) {
      HazelcastHistory other = HazelcastHistory.create(node.hz(), node.vertx());
      HistoryResult r = result(other.read(ch, new HistoryQuery(null, HistoryQuery.NO_LIMIT, false), TEN_MINUTES));
      assertThat(r.top()).isEqualTo(top);
      assertThat(r.publications()).extracting(p -> p.data().text()).containsExactly("{\"n\":1}");
      result(other.close());
    }
  }

  @Test
  void sweepFreesExpiredPublicationsButKeepsThePosition() {
    String ch = channel();
    StreamOptions opts = new StreamOptions(10, Duration.ofMillis(200), Duration.ofMinutes(10));
    StreamPosition top = append(ch, "{}", opts);
    List<HazelcastHistory> members = cluster.nodes().stream().map(n -> HazelcastHistory.create(n.hz(), n.vertx())).toList();
    IMap<String, StoredStream> map = cluster.node(0).hz().getMap(HazelcastHistory.MAP_NAME);
    // Only the owner's sweep touches the key; which member owns it is not this test's business.
    Await.until("publications swept", Duration.ofSeconds(10), () -> {
      members.forEach(m -> result(m.sweepLocal()));
      return map.get(ch).size() == 0;
    });
    assertThat(read(ch, HistoryQuery.topOnly(), opts).top()).isEqualTo(top);
    members.forEach(m -> result(m.close()));
  }
}
