package io.rebound.engine.redis;

import static io.rebound.testing.Await.result;

import io.rebound.engine.HistoryEngine;
import io.rebound.engine.HistoryEngineContractTest;
import io.rebound.testing.RedisExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The history contract, run against a real Redis. */
class RedisHistoryIT extends HistoryEngineContractTest {

  @RegisterExtension
  static final RedisExtension redis = RedisExtension.inMemory();

  private RedisConnections connections;

  @Override
  protected Future<HistoryEngine> newEngine(Vertx vertx) {
    connections = TestConnections.to(redis, vertx);
    return RedisHistory.connect(connections).map(h -> h);
  }

  @AfterEach
  void closeEngineThenConnections() {
    if (engine != null) result(engine.close());
    engine = null;
    if (connections != null) result(connections.close());
  }
}
