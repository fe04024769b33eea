package io.rebound.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Free ports and free ranges are bindable, and ranges stay below the ephemeral ports. */
class PortsTest {

  @Test
  void aFreePortCanBeBound() throws IOException {
    try (ServerSocket s = new ServerSocket(Ports.free(), 1, InetAddress.getLoopbackAddress())) {
      assertThat(s.getLocalPort()).isPositive();
    }
  }

  @Test
  void everyPortOfAFreeRangeCanBeBoundAndTheRangeAvoidsEphemeralPorts() throws IOException {
    int base = Ports.freeRange(10);
    assertThat(base).isBetween(10_000, 30_000 - 10);
    ServerSocket[] bound = new ServerSocket[10];
    try {
      for (int i = 0; i < 10; i++) bound[i] = new ServerSocket(base + i, 1, InetAddress.getLoopbackAddress());
    } finally {
      for (ServerSocket s : bound) if (s != null) s.close();
    }
  }
}
