package io.rebound.engine.redis;

import io.rebound.engine.HistoryEngine;
import io.rebound.engine.HistoryEngineContractTest;
import io.rebound.testing.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The history contract, run against a real Redis. */
class RedisHistoryIT extends HistoryEngineContractTest {

  private static RedisServer redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.startVolatile();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) redis.close();
  }

  @Override
  protected Future<HistoryEngine> newEngine(Vertx vertx) {
    RedisHistoryOptions options = new RedisHistoryOptions(redis.address(), Duration.ofSeconds(2), Duration.ofSeconds(5), 4, "rebound");
    return RedisHistory.connect(vertx, options).map(h -> h);
  }
}
