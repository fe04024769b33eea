package io.rebound.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Closer closes everything, last added first, and reports the first failure without skipping the rest. */
class CloserTest {

  private final List<String> closed = new ArrayList<>();

  private AutoCloseable named(String name) {
    return () -> closed.add(name);
  }

  @Test
  void closesInReverseOrderWhenTheScopeEnds() throws Exception {
    Closer closer = new Closer();
    closer.beforeEach(null);
    closer.add(named("a"));
    closer.add(named("b"));
    closer.afterEach(null);
    assertThat(closed).containsExactly("b", "a");
  }

  @Test
  void aFailingCloseDoesNotStopTheOthersAndIsRethrown() throws Exception {
    Closer closer = new Closer();
    closer.beforeEach(null);
    closer.add(named("a"));
    closer.add(() -> {
      throw new IOException("first");
    });
    closer.add(() -> {
      throw new AssertionError("second");
    });
    assertThatThrownBy(() -> closer.afterEach(null)).isInstanceOf(AssertionError.class).hasMessage("second")
        .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("first"));
    assertThat(closed).containsExactly("a");
  }
}
