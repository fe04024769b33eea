package io.rebound.edge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One edge's connected sessions by user: what the server API's per-user operations (disconnect,
 * subscribe, unsubscribe, refresh) reach connections by. Most users have one connection on an edge,
 * so that one is kept as the map's value itself; a set, in connection order, exists only while a user
 * has two or more (a set per user cost every idle connection about 190 bytes of heap).
 *
 * <p>Confined to its edge's event loop.
 *
 * @param <S> the session type (never a {@link Set} itself)
 */
final class UserIndex<S> {

  /** An {@code S}, or a {@code LinkedHashSet<S>} of two or more. */
  private final Map<String, Object> byUser = new HashMap<>();

  /** {@code session} is connected as {@code user}; nothing if it already was. */
  void add(String user, S session) {
    Object current = byUser.putIfAbsent(user, session);
    if (current == null || current == session) return;
    if (current instanceof Set<?>) {
      setOf(current).add(session);
      return;
    }
    Set<S> many = new LinkedHashSet<>();
    many.add(sessionOf(current));
    many.add(session);
    byUser.put(user, many);
  }

  /** {@code session} is no longer connected as {@code user}; nothing if it was not. */
  void remove(String user, S session) {
    Object current = byUser.get(user);
    if (current == session) {
      byUser.remove(user);
    } else if (current instanceof Set<?> && setOf(current).remove(session) && setOf(current).size() == 1) {
      byUser.put(user, setOf(current).iterator().next()); // back to the compact form
    }
  }

  /** {@code user}'s sessions in connection order: a copy, safe to close them while iterating. */
  List<S> sessionsOf(String user) {
    Object current = byUser.get(user);
    if (current == null) return List.of();
    if (current instanceof Set<?>) return new ArrayList<>(setOf(current));
    return List.of(sessionOf(current));
  }

  /** The users with at least one session: a copy. */
  Set<String> users() {
    return new HashSet<>(byUser.keySet());
  }

  @SuppressWarnings("unchecked")
  private S sessionOf(Object value) {
    return (S) value;
  }

  @SuppressWarnings("unchecked")
  private Set<S> setOf(Object value) {
    return (Set<S>) value;
  }
}
