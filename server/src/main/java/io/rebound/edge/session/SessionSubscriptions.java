package io.rebound.edge.session;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One session's subscriptions by channel. The map is allocated with the first subscription: most
 * of a node's connections are idle, and each byte per connection counts (README, heap per idle
 * connection). Confined to the session's event loop.
 */
final class SessionSubscriptions {

  private Map<String, Subscription> byChannel;

  Subscription get(String channel) {
    return byChannel == null ? null : byChannel.get(channel);
  }

  int count() {
    return byChannel == null ? 0 : byChannel.size();
  }

  /** A copy: handlers drop subscriptions while iterating over it. */
  Collection<Subscription> snapshot() {
    return byChannel == null ? List.of() : new ArrayList<>(byChannel.values());
  }

  void add(Subscription sub) {
    if (byChannel == null) byChannel = new HashMap<>(4);
    byChannel.put(sub.name(), sub);
  }

  /** False when {@code sub} is not (or no longer) this session's subscription of its channel. */
  boolean remove(Subscription sub) {
    return byChannel != null && byChannel.remove(sub.name(), sub);
  }

  void clear() {
    byChannel = null;
  }
}
