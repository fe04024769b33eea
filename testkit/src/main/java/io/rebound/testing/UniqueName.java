package io.rebound.testing;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A name unique to the running test — its method name and a {@code nanoTime} suffix — for channels
 * and users that must not meet those of other tests on a node the class shares:
 *
 * <pre>{@code
 * @RegisterExtension final UniqueName name = new UniqueName();
 * …
 * String ch = name.in("chat");   // "chat:recoversAfterACut-81237129381"
 * }</pre>
 *
 * Register it on an instance field; it is set before each test (and before {@code @BeforeEach} methods).
 */
public final class UniqueName implements BeforeEachCallback {

  private String name;

  @Override
  public void beforeEach(ExtensionContext context) {
    name = context.getRequiredTestMethod().getName() + "-" + System.nanoTime();
  }

  /** The running test's unique name. */
  public String get() {
    if (name == null) throw new IllegalStateException("UniqueName is read outside a test: register it with @RegisterExtension");
    return name;
  }

  /** {@code namespace:<name>}: a channel of {@code namespace} that only this test uses. */
  public String in(String namespace) {
    return namespace + ":" + get();
  }
}
