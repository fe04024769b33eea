package io.rebound.core;

import java.util.Map;

/**
 * A point-in-time view of one node's connections and subscriptions, as the {@code info} and
 * {@code channels} API report them.
 *
 * @param clients open connections
 * @param users distinct users among them
 * @param channels channel → subscribers on this node
 * @param subscriptions subscriptions in all
 */
public record NodeStats(int clients, int users, Map<String, Integer> channels, int subscriptions) {
  public NodeStats {
    channels = Map.copyOf(channels);
  }
}
