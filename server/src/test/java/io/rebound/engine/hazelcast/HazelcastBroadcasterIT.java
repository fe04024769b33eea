package io.rebound.engine.hazelcast;

import io.rebound.bus.EventBusBroadcaster;
import io.rebound.engine.BroadcasterContractTest;
import io.rebound.testing.HazelcastClusterExtension;
import io.rebound.testing.HazelcastTestCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broadcaster contract for the Hazelcast engine: fan-out over the clustered event bus of three nodes. */
class HazelcastBroadcasterIT extends BroadcasterContractTest {

  @RegisterExtension
  static final HazelcastClusterExtension cluster = HazelcastClusterExtension.of(3);

  @Override
  protected Future<List<BroadcastNode>> startNodes(Vertx vertx) {
    List<BroadcastNode> nodes = new ArrayList<>();
    for (HazelcastTestCluster.Node node : cluster.nodes()) {
      nodes.add(broadcastNode(node.vertx()));
    }
    return Future.succeededFuture(nodes);
  }

  /** A node's broadcaster with the cluster's signer, its relay registered; stopping it unregisters the relay. */
  private static BroadcastNode broadcastNode(Vertx vertx) {
    EventBusBroadcaster b = io.rebound.testing.Await.result(EventBusBroadcaster.start(vertx, io.rebound.bus.ClusterSigner.of("a-test-cluster-secret")));
    return new BroadcastNode(vertx, b, b::close);
  }
}
