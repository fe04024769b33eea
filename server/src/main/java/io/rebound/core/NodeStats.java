package io.rebound.core;

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
  public NodeStats {
    channels = Map.copyOf(channels);
    Map<String, Map<String, Integer>> copy = new HashMap<>();
    clientsByTransport.forEach((transport, formats) -> copy.put(transport, Map.copyOf(formats)));
    clientsByTransport = Map.copyOf(copy);
  }

  /** Statistics without the per-transport breakdown. */
  public NodeStats(int clients, int users, Map<String, Integer> channels, int subscriptions) {
    this(clients, users, channels, subscriptions, Map.of());
  }
}
