package io.rebound.testing;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Closes what a test opened (clients, proxies, nodes), in reverse order, when its scope ends — the
 * {@code List<AutoCloseable>} plus {@code @AfterEach} loop that tests used to copy:
 *
 * <pre>{@code
 * @RegisterExtension final Closer open = new Closer();   // instance field: after each test
 * …
 * RawClient c = open.add(RawClient.open(vertx, port));
 * }</pre>
 *
 * Every resource is closed even when one fails to close; the first failure is then rethrown with the
 * others suppressed. A static field closes after the class instead (see {@link ResourceExtension}).
 */
public final class Closer extends ResourceExtension {

  private final Deque<AutoCloseable> open = new ArrayDeque<>();

  /** Registers {@code resource} to be closed when the scope ends; returns it. */
  public <T extends AutoCloseable> T add(T resource) {
    requireRunning();
    open.push(resource);
    return resource;
  }

  @Override
  protected void start() {
    // nothing to start: resources are added by the test
  }

  @Override
  protected void stop() throws Exception {
    Throwable first = null;
    while (!open.isEmpty()) {
      try {
        open.pop().close();
      } catch (Exception | AssertionError e) { // Await inside a close() fails with AssertionError
        if (first == null) first = e;
        else first.addSuppressed(e);
      }
    }
    if (first instanceof Exception e) throw e;
    if (first != null) throw (AssertionError) first;
  }
}
