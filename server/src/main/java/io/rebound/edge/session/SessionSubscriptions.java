package io.rebound.edge.session;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One session's subscriptions by channel. Most connections hold zero or one subscription, and each
 * byte per idle connection counts (README, heap per idle connection): the first subscription is kept
 * in a field, a map exists only from the second on (and is given up when one is left).
 * Confined to the session's event loop.
 */
final class SessionSubscriptions {

  private Subscription only; // the one subscription while there is exactly one
  private Map<String, Subscription> byChannel; // two or more

  Subscription get(String channel) {
    if (only != null) return only.name().equals(channel) ? only : null;
    return byChannel == null ? null : byChannel.get(channel);
  }

  int count() {
    if (only != null) return 1;
    return byChannel == null ? 0 : byChannel.size();
  }

  /** A copy: handlers drop subscriptions while iterating over it. */
  Collection<Subscription> snapshot() {
    if (only != null) return List.of(only);
    if (byChannel == null) return List.of();
    List<Subscription> all = new ArrayList<>(byChannel.size());
    byChannel.forEach((channel, sub) -> all.add(sub)); // values() would leave a cached view on every session's map
    return all;
  }

  /** Adds {@code sub}, replacing the subscription of its channel if there is one. */
  void add(Subscription sub) {
    if (byChannel == null && (only == null || only.name().equals(sub.name()))) {
      only = sub;
      return;
    }
    if (byChannel == null) {
      byChannel = new HashMap<>(4);
      byChannel.put(only.name(), only);
      only = null;
    }
    byChannel.put(sub.name(), sub);
  }

  /** False when {@code sub} is not (or no longer) this session's subscription of its channel. */
  boolean remove(Subscription sub) {
    if (only != null) {
      if (only != sub) return false;
      only = null;
      return true;
    }
    if (byChannel == null || !byChannel.remove(sub.name(), sub)) return false;
    if (byChannel.size() == 1) {
      only = byChannel.values().iterator().next();
      byChannel = null;
    }
    return true;
  }

  void clear() {
    only = null;
    byChannel = null;
  }
}
