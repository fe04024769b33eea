package io.rebound.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files at the repository's top level (cluster.xml, k8s/, config examples, loadtest/bench-config.json)
 * for tests that check what operators are given. Tests run with their module as working directory,
 * so the root is found by walking up to the directory that holds both {@code pom.xml} and
 * {@code cluster.xml}.
 */
public final class RepoFiles {
  private static final Path ROOT = findRoot();

  private RepoFiles() {}

  /** {@code first/more…} relative to the repository root. */
  public static Path path(String first, String... more) {
    return ROOT.resolve(Path.of(first, more));
  }

  public static Path root() {
    return ROOT;
  }

  private static Path findRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isRegularFile(dir.resolve("cluster.xml"))) return dir;
    }
    throw new IllegalStateException("no repository root (pom.xml + cluster.xml) above " + Path.of("").toAbsolutePath());
  }
}
