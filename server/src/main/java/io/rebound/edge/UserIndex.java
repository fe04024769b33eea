package io.rebound.edge;

import io.rebound.edge.session.ClientSession;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One edge's connected sessions by user: what the server API's per-user operations (disconnect,
 * subscribe, unsubscribe, refresh) reach connections by. Most users have one connection on an edge,
 * so that one is kept as the map's value itself; a set, in connection order, exists only while a user
 * has two or more (a set per user would cost an idle connection about 190 bytes of heap).
 *
 * <p>Confined to its edge's event loop.
 */
final class UserIndex {

  private static final ClientSession[] NONE = new ClientSession[0];

  /** A {@link ClientSession}, or a {@code LinkedHashSet<ClientSession>} of two or more. */
  private final Map<String, Object> byUser = new HashMap<>();

  void add(String user, ClientSession session) {
    Object current = byUser.putIfAbsent(user, session);
    if (current == null || current == session) return;
    if (current instanceof ClientSession only) {
      Set<ClientSession> many = new LinkedHashSet<>();
      many.add(only);
      many.add(session);
      byUser.put(user, many);
    } else {
      setOf(current).add(session);
    }
  }

  void remove(String user, ClientSession session) {
    Object current = byUser.get(user);
    if (current == session) {
      byUser.remove(user);
    } else if (current instanceof Set<?> && setOf(current).remove(session) && setOf(current).size() == 1) {
      byUser.put(user, setOf(current).iterator().next()); // back to the compact form
    }
  }

  /** {@code user}'s sessions in connection order: a copy, safe to close them while iterating. */
  ClientSession[] sessionsOf(String user) {
    Object current = byUser.get(user);
    if (current == null) return NONE;
    if (current instanceof ClientSession only) return new ClientSession[] {only};
    return setOf(current).toArray(NONE);
  }

  /** The users with at least one session: a copy. */
  Set<String> users() {
    return new HashSet<>(byUser.keySet());
  }

  @SuppressWarnings("unchecked")
  private static Set<ClientSession> setOf(Object value) {
    return (Set<ClientSession>) value;
  }
}
