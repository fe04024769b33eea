package io.rebound.engine.redis;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.core.StreamPosition;
import io.rebound.engine.SyncPositionStore;
import io.rebound.engine.SyncPositionStoreContractTest;
import io.rebound.testing.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sync position contract against a real Redis, plus survival of a Redis restart with its data. */
class RedisSyncPositionsIT extends SyncPositionStoreContractTest {

  private static RedisServer redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start(true);
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) redis.close();
  }

  private static RedisHistoryOptions options() {
    return new RedisHistoryOptions(redis.address(), Duration.ofSeconds(2), Duration.ofSeconds(5), 4, "rebound");
  }

  @Override
  protected Future<SyncPositionStore> newStore(Vertx vertx) {
    return RedisSyncPositions.connect(vertx, options()).map(s -> s);
  }

  @Test
  void keysCarryTheChannelsHashTagAndAnUnambiguousUser() {
    RedisSyncPositions positions = (RedisSyncPositions) store;
    assertThat(positions.key("news", "alice")).isEqualTo("rebound:sync:{news}:alice");
    assertThat(positions.key("a:b", "c")).isEqualTo("rebound:sync:{a:b}:c");
    assertThat(positions.key("a", "b:c")).isEqualTo("rebound:sync:{a}:b%3Ac");
    assertThat(positions.key("x}y", "%")).startsWith("rebound:sync:{#").endsWith("}x}y:%25");
  }

  @Test
  void positionSurvivesARedisRestartAndANewStore() {
    String ch = channel();
    advance(ch, "alice", 42, "e1", LONG);
    result(store.close());
    store = null;
    redis.stop();
    redis.start();
    SyncPositionStore reopened = result(RedisSyncPositions.connect(vertx, options()));
    try {
      assertThat(result(reopened.get(ch, "alice"))).isEqualTo(new StreamPosition(42, "e1"));
    } finally {
      result(reopened.close());
    }
  }
}
