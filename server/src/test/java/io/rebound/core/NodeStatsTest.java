package io.rebound.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class NodeStatsTest {

  /**
   * Channel names are chosen by clients, and {@code "Aa"} and {@code "BB"} share a hash code, so 16 such
   * blocks give 65,536 names with one hash code. Copied by the JDK's immutable maps (linear probing)
   * that is ~2·10⁹ comparisons, tens of seconds on an edge's event loop; by a HashMap, which keeps
   * colliding String keys in a tree, well under a second. The timeout has a margin of about 100× on
   * either side: it tells a quadratic copy from a O(n log n) one, not a fast machine from a slow one.
   */
  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void channelsWhoseNamesShareOneHashCodeAreCopiedWithoutAQuadraticCost() {
    Map<String, Integer> channels = new HashMap<>();
    for (int i = 0; i < 1 << 16; i++) channels.put("personal:#" + collidingName(i, 16), 1);
    assertThat(channels.keySet().stream().map(String::hashCode).distinct()).hasSize(1);

    NodeStats stats = new NodeStats(channels.size(), channels.size(), channels, channels.size());

    assertThat(stats.channels()).hasSize(1 << 16).containsEntry("personal:#" + collidingName(12345, 16), 1);
  }

  @Test
  void theMapsAreCopiesThatCannotBeChanged() {
    Map<String, Integer> channels = new HashMap<>(Map.of("chat:a", 2));
    Map<String, Map<String, Integer>> byTransport = new HashMap<>(Map.of("websocket", new HashMap<>(Map.of("json", 2))));
    NodeStats stats = new NodeStats(2, 1, channels, 2, byTransport);
    channels.put("chat:b", 1);
    byTransport.get("websocket").put("protobuf", 1);

    assertThat(stats.channels()).containsExactly(Map.entry("chat:a", 2));
    assertThat(stats.clientsByTransport()).isEqualTo(Map.of("websocket", Map.of("json", 2)));
    assertThatThrownBy(() -> stats.channels().put("chat:c", 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> stats.clientsByTransport().get("websocket").put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  /** Block k of the name is "Aa" or "BB" by bit k of {@code n}: every name of a length has the same hash code. */
  private static String collidingName(int n, int blocks) {
    StringBuilder b = new StringBuilder(blocks * 2);
    for (int k = 0; k < blocks; k++) b.append((n >> k & 1) == 0 ? "Aa" : "BB");
    return b.toString();
  }
}
