package io.rebound.engine.memory;

import io.rebound.engine.PresenceStore;
import io.rebound.engine.PresenceStoreContractTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The presence contract for one node's in-memory store (no cross-node part: it answers for its node only). */
class MemoryPresenceTest extends PresenceStoreContractTest {

  @Override
  protected Future<PresenceStore> newStore(Vertx vertx) {
    return Future.succeededFuture(new MemoryPresence());
  }
}
