package io.rebound.engine.memory;

import io.rebound.bus.EventBusBroadcaster;
import io.rebound.engine.BroadcasterContractTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** The broadcaster contract for the memory engine: one node, fan-out over its local event bus. */
class EventBusBroadcasterTest extends BroadcasterContractTest {

  @Override
  protected Future<List<BroadcastNode>> startNodes(Vertx vertx) {
    return Future.succeededFuture(List.of(broadcastNode(vertx)));
  }

  /** A node's broadcaster with the cluster's signer, its relay registered; stopping it unregisters the relay. */
  private static BroadcastNode broadcastNode(Vertx vertx) {
    EventBusBroadcaster b = io.rebound.testing.Await.result(EventBusBroadcaster.start(vertx, io.rebound.bus.ClusterSigner.of("a-test-cluster-secret")));
    return new BroadcastNode(vertx, b, b::close);
  }
}
