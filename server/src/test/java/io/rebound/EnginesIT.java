package io.rebound;

import static io.rebound.testing.Await.failure;
import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.config.BrokerConfig;
import io.rebound.config.ConfigLoader;
import io.rebound.core.ClientInfo;
import io.rebound.engine.redis.RedisUnavailableException;
import io.rebound.testing.Ports;
import io.rebound.testing.RedisExtension;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What {@link Engines} picks for {@code engine: redis}: stores that two nodes sharing one real Redis both see. */
class EnginesIT {

  @RegisterExtension
  static final RedisExtension redis = RedisExtension.inMemory();

  private final List<Vertx> nodes = new ArrayList<>();

  @AfterEach
  void stopNodes() {
    for (Vertx node : nodes) result(node.close(), 30);
  }

  private static BrokerConfig redisConfig(String address) {
    return ConfigLoader.parse("{\"engine\": \"redis\", \"redis_address\": \"" + address + "\", \"redis_pool_size\": 2,"
        + " \"token_hmac_secret_key\": \"engines-it\", \"api_key\": \"engines-it\"}");
  }

  /** The engines of a node of its own (one Vert.x instance per node, as in production). */
  private Engines node() {
    Vertx vertx = Vertx.vertx();
    nodes.add(vertx);
    return result(Engines.create(redisConfig(redis.address()), vertx), 30);
  }

  @Test
  void withTheRedisEngineEveryNodeSeesEveryPresenceMember() {
    Engines a = node(), b = node();
    String ch = "chat:engines-it";
    result(a.presence().add(ch, new ClientInfo("alice", "on-a", null, null)));
    result(b.presence().add(ch, new ClientInfo("bob", "on-b", null, null)));
    assertThat(result(a.presence().get(ch))).containsOnlyKeys("on-a", "on-b");
    assertThat(result(b.presence().stats(ch)).numUsers()).isEqualTo(2);

    // A node that shuts down takes its members with it, before its Redis connections close.
    result(a.close());
    assertThat(result(b.presence().get(ch))).containsOnlyKeys("on-b");
    result(b.close());
  }

  @Test
  void aRedisThatIsNotThereFailsTheStart() {
    Vertx vertx = Vertx.vertx();
    nodes.add(vertx);
    String nowhere = "redis://127.0.0.1:" + Ports.free();
    assertThat(failure(Engines.create(redisConfig(nowhere), vertx))).isInstanceOf(RedisUnavailableException.class);
  }
}
