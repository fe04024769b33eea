package io.rebound.core;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * A point-in-time view of one node's connections and subscriptions, as the {@code info} and
 * {@code channels} API report them.
 *
 * @param clients open connections
 * @param users distinct users among them
 * @param channels channel → subscribers on this node
 * @param subscriptions subscriptions in all
 * @param clientsByTransport transport ({@code websocket}, {@code http_stream}, …) → wire format
 *     ({@code json}, …) → open connections; only pairs with connections appear
 */
public record NodeStats(int clients, int users, Map<String, Integer> channels, int subscriptions,
    Map<String, Map<String, Integer>> clientsByTransport) {
  // Copies into HashMaps, not Map.copyOf: channel names are chosen by clients, and the JDK's immutable
  // maps probe linearly — names sharing a hash code (or runs of nearby ones, such as personal channels
  // numbered in sequence) make a copy quadratic. 15,000 channels "personal:#<prefix>-<n>" took 1.5 to
  // 212 ms to copy depending on the JVM's random salt, and during a reload of 15,000 clients on a loaded
  // box an edge's event loop was seen blocked for 2 to 4 s inside Map.copyOf here (JFR, loadtest/README.md). HashMap
  // keeps colliding String keys in trees: O(n log n) whatever the names.
  public NodeStats {
    channels = Collections.unmodifiableMap(new HashMap<>(channels));
    Map<String, Map<String, Integer>> copy = new HashMap<>();
    clientsByTransport.forEach((transport, formats) -> copy.put(transport, Collections.unmodifiableMap(new HashMap<>(formats))));
    clientsByTransport = Collections.unmodifiableMap(copy);
  }

  /** Statistics without the per-transport breakdown. */
  public NodeStats(int clients, int users, Map<String, Integer> channels, int subscriptions) {
    this(clients, users, channels, subscriptions, Map.of());
  }
}
