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
    EventBusBroadcaster.registerCodec(vertx);
    return Future.succeededFuture(List.of(new BroadcastNode(vertx, new EventBusBroadcaster(vertx), Future::succeededFuture)));
  }
}
