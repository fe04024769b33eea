package io.rebound.engine.redis;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.core.StreamPosition;
import io.rebound.engine.SyncPositionStore;
import io.rebound.engine.SyncPositionStoreContractTest;
import io.rebound.testing.RedisExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sync position contract against a real Redis, plus survival of a Redis restart with its data. */
class RedisSyncPositionsIT extends SyncPositionStoreContractTest {

  @RegisterExtension
  static final RedisExtension redis = RedisExtension.appendOnly();

  private RedisConnections connections;

  @Override
  protected Future<SyncPositionStore> newStore(Vertx vertx) {
    connections = TestConnections.to(redis, vertx);
    return RedisSyncPositions.connect(connections).map(s -> s);
  }

  @AfterEach
  void closeStoreThenConnections() {
    if (store != null) result(store.close());
    store = null;
    if (connections != null) result(connections.close());
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
    redis.server().stop();
    redis.server().start();
    SyncPositionStore reopened = result(RedisSyncPositions.connect(connections));
    try {
      assertThat(result(reopened.get(ch, "alice"))).isEqualTo(new StreamPosition(42, "e1"));
    } finally {
      result(reopened.close());
    }
  }
}
