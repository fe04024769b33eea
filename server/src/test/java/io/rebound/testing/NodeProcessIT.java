package io.rebound.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The process helper's own failure report: a node that cannot start must fail the wait at once (not after the whole
 * timeout) and the failure must carry what the node printed, because a build machine keeps no node logs to look at.
 */
class NodeProcessIT {

  @Test
  void aNodeThatExitsAtStartFailsTheWaitAtOnceWithItsLog() throws Exception {
    Path dir = Files.createTempDirectory("rebound-nodeprocess-");
    Path config = dir.resolve("config.json");
    Files.writeString(config, "{\"engine\": \"no-such-engine\"}");
    try (NodeProcess node = new NodeProcess("doomed", Ports.free(), config, dir.resolve("cluster.xml"), "key")) {
      node.start();
      long started = System.nanoTime();
      assertThatThrownBy(() -> node.awaitHealthy(1, false, Duration.ofMinutes(5)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("doomed exited with code")
          .hasMessageContaining("last lines of")
          .hasMessageContaining("no-such-engine");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("failed without waiting out the timeout").isLessThan(Duration.ofMinutes(2));
    }
  }
}
