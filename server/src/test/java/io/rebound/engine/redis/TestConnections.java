package io.rebound.engine.redis;

import io.rebound.config.RedisOptions;
import io.rebound.testing.RedisExtension;
import io.vertx.core.Vertx;
import java.time.Duration;

/** The {@link RedisConnections} the Redis engine tests give their stores. */
final class TestConnections {

  /** A roomy command timeout: the machine is shared, and these tests are not about timeouts. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

  private TestConnections() {}

  static RedisOptions options(RedisExtension redis) {
    return new RedisOptions(redis.address(), Duration.ofSeconds(2), COMMAND_TIMEOUT, 4);
  }

  /** Fresh connections of {@code vertx} to {@code redis}'s server (close them, or the Vert.x instance, after use). */
  static RedisConnections to(RedisExtension redis, Vertx vertx) {
    return RedisConnections.create(vertx, options(redis));
  }
}
