package io.rebound.loadtest.reconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rebound.config.ClientOptions;
import io.rebound.config.ConfigLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

class MassReconnectOptionsTest {

  @Test
  void resumeIsOffByDefaultAndTheNodesConfigIsUnchanged() {
    MassReconnectOptions o = MassReconnectOptions.parse(new String[] {"--clients", "10"});
    assertFalse(o.resume);
    assertFalse(BrokerFleet.config(o, 8000, "n").contains("client_resume"));
  }

  @Test
  void resumeFlagSizesTheSessionBufferFromRateAndOutage() {
    MassReconnectOptions o = MassReconnectOptions.parse(new String[] {"--clients", "4800", "--rate", "200", "--resume"});
    assertTrue(o.resume);
    assertEquals(60, o.resumeWindowS);
    // 200/s, every 50th shared: ~4 messages/s per session, far below the broker default over a ~37.5 s outage bound.
    assertEquals(ClientOptions.DEFAULT_RESUME_BUFFER_SIZE, o.effectiveResumeBufferSize());
    // All on the shared channel at 2000/s: 2000/s × 37.5 s × 2.
    MassReconnectOptions fast = MassReconnectOptions.parse(new String[] {"--rate", "2000", "--shared-every", "1", "--resume"});
    assertEquals(150_000, fast.effectiveResumeBufferSize());
    var config = ConfigLoader.parse(BrokerFleet.config(fast, 8000, "n")).client();
    assertEquals(150_000, config.resumeBufferSize());
    assertEquals(60_000, config.resumeWindow().toMillis());
    assertTrue(config.queueMaxSize() >= 150_000 * 100, "the byte bound does not cut the buffer short");
    MassReconnectOptions fixed = MassReconnectOptions.parse(new String[] {"--resume", "--resume-buffer", "7", "--resume-window-s", "5"});
    assertEquals(7, fixed.effectiveResumeBufferSize());
    assertEquals(5_000, ConfigLoader.parse(BrokerFleet.config(fixed, 8000, "n")).client().resumeWindow().toMillis());
    assertThrows(IllegalArgumentException.class, () -> MassReconnectOptions.parse(new String[] {"--resume-buffer", "0"}));
  }

  @Test
  void balancerProcessesOnlyForReloadsAndTargetPidOnlyWithTargets() {
    MassReconnectOptions o = MassReconnectOptions.parse(new String[] {"--clients", "15000", "--balancer-processes", "2",
        "--target", "127.0.0.1:8500", "--target-pid", "42"});
    assertEquals(2, o.balancerProcesses);
    assertEquals(42, o.targetPid);
    assertEquals(0, MassReconnectOptions.parse(new String[] {}).balancerProcesses, "in-process balancer by default");
    assertThrows(IllegalArgumentException.class,
        () -> MassReconnectOptions.parse(new String[] {"--scenario", "node-kill", "--nodes", "2", "--balancer-processes", "1"}));
    assertThrows(IllegalArgumentException.class, () -> MassReconnectOptions.parse(new String[] {"--target-pid", "42"}));
    assertThrows(IllegalArgumentException.class, () -> MassReconnectOptions.parse(new String[] {"--balancer-processes", "-1"}));
  }

  @Test
  void balancersRunElsewhereComeWithTheCommandThatReloadsThem() {
    MassReconnectOptions o = MassReconnectOptions.parse(new String[] {"--target", "127.0.0.1:8510",
        "--balancer-url", "ws://127.0.0.1:8521/connection/websocket, ws://127.0.0.1:8522/connection/websocket",
        "--reload-command", "./haproxy-reload.sh"});
    assertEquals(List.of("ws://127.0.0.1:8521/connection/websocket", "ws://127.0.0.1:8522/connection/websocket"), o.balancerUrls);
    assertEquals("./haproxy-reload.sh", o.reloadCommand);
    assertThrows(IllegalArgumentException.class, () -> MassReconnectOptions.parse(new String[] {"--balancer-url", "ws://h:1/c"}),
        "no way to reload them");
    assertThrows(IllegalArgumentException.class, () -> MassReconnectOptions.parse(new String[] {"--reload-command", "true"}),
        "nothing to reload");
    assertThrows(IllegalArgumentException.class, () -> MassReconnectOptions.parse(new String[] {"--balancer-url", "ws://h:1/c",
        "--reload-command", "true", "--balancer-processes", "2"}));
    assertThrows(IllegalArgumentException.class, () -> MassReconnectOptions.parse(new String[] {"--scenario", "node-kill", "--nodes", "2",
        "--balancer-url", "ws://h:1/c", "--reload-command", "true"}));
  }
}
