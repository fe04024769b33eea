package io.rebound.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.testing.RepoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** One job per class: no main class of any module is over 400 lines (STYLE.md, the architecture issue). */
class SourceSizeTest {

  static final int MAX_LINES = 400;

  @Test
  void noMainClassIsOver400Lines() throws IOException {
    List<String> tooBig;
    try (Stream<Path> files = Files.walk(RepoFiles.root())) {
      tooBig = files
          .filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/"))
          .filter(p -> !p.toString().contains("/node_modules/") && !p.toString().contains("/target/"))
          .filter(p -> lines(p) > MAX_LINES)
          .map(p -> RepoFiles.root().relativize(p) + " (" + lines(p) + " lines)")
          .toList();
    }
    assertThat(tooBig).as("main classes over %d lines: split them by concern", MAX_LINES).isEmpty();
  }

  private static long lines(Path p) {
    try (Stream<String> s = Files.lines(p)) {
      return s.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
