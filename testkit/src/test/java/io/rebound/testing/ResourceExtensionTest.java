package io.rebound.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Where an extension's field is declared decides its lifetime: static = the class, instance = each test. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResourceExtensionTest {

  /** Logs its starts and stops under a name. */
  static final class Logged extends ResourceExtension {
    static final List<String> LOG = new ArrayList<>();
    private final String name;

    Logged(String name) {
      this.name = name;
    }

    @Override
    protected void start() {
      LOG.add("start " + name);
    }

    @Override
    protected void stop() {
      LOG.add("stop " + name);
    }

    String name() {
      requireRunning();
      return name;
    }
  }

  @RegisterExtension static final Logged perClass = new Logged("class");
  @RegisterExtension final Logged perTest = new Logged("test");

  @Test
  @Order(1)
  void bothAreRunningInATest() {
    assertThat(perClass.isRunning()).isTrue();
    assertThat(perTest.isRunning()).isTrue();
    assertThat(perTest.name()).isEqualTo("test");
  }

  @Test
  @Order(2)
  void theStaticOneStartedOnceAndTheInstanceOneOncePerTest() {
    assertThat(Logged.LOG).containsExactly("start class", "start test", "stop test", "start test");
  }

  @Test
  @Order(3)
  void anAccessorOutsideTheScopeSaysHowToRegister() {
    Logged unregistered = new Logged("loose");
    assertThatThrownBy(unregistered::name).isInstanceOf(IllegalStateException.class).hasMessageContaining("@RegisterExtension");
  }

  @Nested
  class Inner {
    @Test
    void aNestedClassSharesTheOuterClassResource() {
      assertThat(perClass.isRunning()).isTrue();
      assertThat(Logged.LOG.stream().filter("start class"::equals).count()).isEqualTo(1);
    }
  }

  @AfterAll
  static void everyTestResourceWasStoppedAndTheClassOneStillRuns() {
    // @AfterAll runs before the static extension's afterAll callback.
    long starts = Logged.LOG.stream().filter("start test"::equals).count();
    long stops = Logged.LOG.stream().filter("stop test"::equals).count();
    assertThat(starts).isEqualTo(stops).isEqualTo(4);
    assertThat(Logged.LOG).doesNotContain("stop class");
    assertThat(perClass.isRunning()).isTrue();
  }
}
