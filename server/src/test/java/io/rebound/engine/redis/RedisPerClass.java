package io.rebound.engine.redis;

import io.rebound.config.RedisOptions;
import io.rebound.testing.RedisServer;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real redis-server for a test class, shared by the Redis engine tests instead of copied
 * {@code @BeforeAll}/{@code @AfterAll} blocks: {@code @RegisterExtension static final RedisPerClass
 * redis = RedisPerClass.inMemory();}. Also builds the {@link RedisConnections} the stores take.
 */
final class RedisPerClass implements BeforeAllCallback, AfterAllCallback {

  /** Generous command timeout: the machine is shared, and these tests are not about timeouts. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

  private final boolean appendOnly;
  private RedisServer server;

  private RedisPerClass(boolean appendOnly) {
    this.appendOnly = appendOnly;
  }

  /** A server without persistence. */
  static RedisPerClass inMemory() {
    return new RedisPerClass(false);
  }

  /** A server with the append-only file on: its data survives a stop/start. */
  static RedisPerClass appendOnly() {
    return new RedisPerClass(true);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = RedisServer.start(appendOnly);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) server.close();
    server = null;
  }

  RedisServer server() {
    if (server == null) throw new IllegalStateException("register RedisPerClass as a static @RegisterExtension field");
    return server;
  }

  RedisOptions options() {
    return new RedisOptions(server().address(), Duration.ofSeconds(2), COMMAND_TIMEOUT, 4);
  }

  /** Fresh connections of {@code vertx} to this server (close them, or the Vert.x instance, after use). */
  RedisConnections connections(Vertx vertx) {
    return RedisConnections.create(vertx, options());
  }
}
