package io.rebound.testing;

/**
 * A real redis-server ({@link RedisServer}) as a JUnit 5 extension, instead of a copied
 * {@code @BeforeAll}/{@code @AfterAll} pair:
 *
 * <pre>{@code
 * class RedisThingIT {
 *   @RegisterExtension static final RedisExtension redis = RedisExtension.appendOnly();
 *
 *   @Test void survivesARestart() {
 *     connect(redis.address());
 *     redis.server().stop();   // and start(), freeze(), restartEmpty()…
 *   }
 * }
 * }</pre>
 *
 * A static field gives the class one server; an instance field a new one per test (see {@link
 * ResourceExtension}). The data directory is deleted when the server stops.
 */
public final class RedisExtension extends ResourceExtension {

  private final boolean appendOnly;
  private RedisServer server;

  private RedisExtension(boolean appendOnly) {
    this.appendOnly = appendOnly;
  }

  /** A server with the append-only file on (fsync always): its data survives {@code stop()}/{@code start()}. */
  public static RedisExtension appendOnly() {
    return new RedisExtension(true);
  }

  /** A server without persistence: a restart loses everything. */
  public static RedisExtension inMemory() {
    return new RedisExtension(false);
  }

  @Override
  protected void start() {
    server = RedisServer.start(appendOnly);
  }

  @Override
  protected void stop() {
    if (server != null) server.close();
    server = null;
  }

  /** The running server, to stop, restart, freeze or thaw it. */
  public RedisServer server() {
    requireRunning();
    return server;
  }

  /** {@code redis://127.0.0.1:<port>}, for a node's {@code redis_address}. */
  public String address() {
    return server().address();
  }

  public int port() {
    return server().port();
  }
}
