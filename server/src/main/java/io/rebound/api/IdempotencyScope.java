package io.rebound.api;

import io.rebound.core.ClientInfo;

/**
 * Idempotency keys belong to their publisher: the server API is one publisher, each user another.
 * Without the scope, a client that used {@code order-42} first would make the backend's later
 * publication with that key vanish while the API answered 200. The scoped key is what the engines
 * store (memory, Hazelcast and Redis alike), so a key is only ever compared with the same
 * publisher's keys.
 */
final class IdempotencyScope {
  private IdempotencyScope() {}

  /**
   * {@code key} qualified by its publisher: {@code api:<key>} for the server API (no publisher),
   * {@code user:<length of user id>:<user id>:<key>} for a client publish (the length keeps user ids
   * that contain ':' apart). Anonymous clients share the user "" scope. Null for a null key.
   */
  static String scoped(ClientInfo publisher, String key) {
    if (key == null) return null;
    if (publisher == null) return "api:" + key;
    String user = publisher.user();
    return "user:" + user.length() + ":" + user + ":" + key;
  }
}
