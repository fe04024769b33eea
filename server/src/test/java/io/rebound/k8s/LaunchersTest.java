package io.rebound.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.testing.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every way operators are told to start a node runs the JVM with {@code -XX:+ExitOnOutOfMemoryError}:
 * a node out of memory must exit and be restarted, never limp on with allocations failing at random
 * (a half-dead node keeps its clients and answers nothing). And with the collector chosen by
 * measurement ({@code -XX:+UseG1GC}, README "Limits"): a node started without it runs with other pauses
 * than the ones measured (and, in a one-CPU container, the Serial collector).
 */
class LaunchersTest {

  private static final String FLAG = "-XX:+ExitOnOutOfMemoryError";
  private static final String COLLECTOR = "-XX:+UseG1GC";
  // A java command that runs the broker jar; the word after the jar says whether it starts a node.
  private static final Pattern JAR_COMMAND = Pattern.compile("java\\s[^`\\n]*?rebound\\.jar(?:\\s+([^\\s`]+))?[^`\\n]*");
  /** The jar's operator tools (README, "Command line"): they start no node. */
  private static final Set<String> TOOLS = Set.of("genconfig", "checkconfig", "gentoken", "gensubtoken", "checktoken", "version",
      "--help", "--gentoken");

  @Test
  void everyReadmeCommandThatStartsANodeExitsOnOutOfMemory() throws IOException {
    Matcher m = JAR_COMMAND.matcher(Files.readString(RepoFiles.path("README.md")));
    int commands = 0;
    while (m.find()) {
      if (m.group(1) != null && (TOOLS.contains(m.group(1)) || isOtherMainClass(m.group(1)))) continue;
      commands++;
      assertThat(m.group()).as("README command").contains(FLAG).contains(COLLECTOR);
    }
    assertThat(commands).as("node commands found in README.md").isGreaterThanOrEqualTo(3);
  }

  /** {@code java -cp …rebound.jar io.rebound.x.Tool}: a measuring tool run with the jar on its class path, not a node. */
  private static boolean isOtherMainClass(String word) {
    return word.startsWith("io.rebound.") && !word.equals("io.rebound.Main");
  }

  @Test
  void theContainerImageAndTheStatefulSetExitOnOutOfMemory() throws IOException {
    List<String> entrypoints = Files.readAllLines(RepoFiles.path("k8s", "Dockerfile")).stream().filter(l -> l.startsWith("ENTRYPOINT")).toList();
    assertThat(entrypoints).singleElement().asString().contains("\"" + FLAG + "\"").contains("\"" + COLLECTOR + "\"");
    assertThat(Files.readString(RepoFiles.path("k8s", "statefulset.yaml"))).contains(FLAG).contains(COLLECTOR);
  }
}
