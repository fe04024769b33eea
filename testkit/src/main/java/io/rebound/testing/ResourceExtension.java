package io.rebound.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Base of the test kit's JUnit 5 extensions that own one resource (a node, a redis-server, a cluster,
 * a Vert.x for clients): where the field is declared decides how long the resource lives.
 *
 * <ul>
 *   <li>a {@code static} field annotated {@code @RegisterExtension}: started once before the first
 *       test of the class, stopped after the last one (what a copied {@code @BeforeAll}/{@code
 *       @AfterAll} pair did). {@code @Nested} classes share it;
 *   <li>an instance field annotated {@code @RegisterExtension}: a fresh resource for every test
 *       (what {@code @BeforeEach}/{@code @AfterEach} did) — unless the class is {@code
 *       @TestInstance(PER_CLASS)}, where JUnit treats it as per class.
 * </ul>
 *
 * <pre>{@code
 * class MyIT {
 *   @RegisterExtension static final RedisExtension redis = RedisExtension.inMemory(); // one per class
 *   @RegisterExtension final Closer open = new Closer();                              // one per test
 * }
 * }</pre>
 *
 * <p>Several extensions of one class start in the order JUnit registers them, which for fields is
 * deterministic but not the declaration order: when one needs another (a node whose config names
 * the Redis address), annotate both fields with {@code @Order} — or start the dependent one in the
 * test. They stop in the reverse order.
 *
 * <p>{@link #stop()} also runs when {@link #start()} failed half-way, so it must cope with a resource
 * that was never (fully) started. Not thread-safe: JUnit calls it from the test thread, and the
 * accessors of subclasses are for the test thread too.
 */
public abstract class ResourceExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  /** How many (nested) classes registered this instance per class; 0 when it lives per test. */
  private int classScopes;
  private boolean running;

  @Override
  public final void beforeAll(ExtensionContext context) throws Exception {
    if (classScopes++ == 0) begin();
  }

  @Override
  public final void afterAll(ExtensionContext context) throws Exception {
    if (--classScopes == 0) end();
  }

  @Override
  public final void beforeEach(ExtensionContext context) throws Exception {
    if (classScopes == 0) begin();
  }

  @Override
  public final void afterEach(ExtensionContext context) throws Exception {
    if (classScopes == 0) end();
  }

  /** Starts the resource; returns when it is ready for the test. */
  protected abstract void start() throws Exception;

  /** Stops the resource and releases everything {@link #start()} took, even after a partial start. */
  protected abstract void stop() throws Exception;

  /** Whether the resource is started (between the before and after callbacks of its scope). */
  public final boolean isRunning() {
    return running;
  }

  /** Throws unless the resource is started: an accessor used outside the extension's scope is a test bug. */
  protected final void requireRunning() {
    if (!running) {
      throw new IllegalStateException(getClass().getSimpleName() + " is not started: register it with @RegisterExtension"
          + " and use it from a test, a @BeforeEach or (for a static field) a @BeforeAll");
    }
  }

  private void begin() throws Exception {
    running = true;
    start();
  }

  private void end() throws Exception {
    running = false;
    stop();
  }
}
