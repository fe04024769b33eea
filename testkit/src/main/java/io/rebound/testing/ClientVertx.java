package io.rebound.testing;

import io.vertx.core.Vertx;

/**
 * A Vert.x instance for a test's clients (RawClient, the Java SDK, a TcpProxy), kept apart from the
 * Vert.x of the nodes under test so that closing a node never closes its clients' sockets from the
 * wrong side:
 *
 * <pre>{@code
 * @RegisterExtension static final ClientVertx clients = new ClientVertx();
 * …
 * RawClient c = RawClient.open(clients.get(), node.port());
 * }</pre>
 *
 * A static field gives the class one instance, an instance field a fresh one per test (see {@link
 * ResourceExtension}); it is closed (every socket with it) when its scope ends.
 */
public final class ClientVertx extends ResourceExtension {

  private Vertx vertx;

  @Override
  protected void start() {
    vertx = Vertx.vertx();
  }

  @Override
  protected void stop() {
    if (vertx != null) Await.result(vertx.close(), 30);
    vertx = null;
  }

  /** The Vert.x instance. */
  public Vertx get() {
    requireRunning();
    return vertx;
  }
}
