package io.rebound.webhook.redis;

/**
 * Where the webhook ledger keeps things in Redis. A node's keys share the hash tag {@code {<node id>}},
 * so a script that touches its heartbeat and its claim touches one slot.
 *
 * <ul>
 *   <li>{@code rebound:webhook:nodes} — a set of the ids of nodes that keep records (live or dead, until reported);
 *   <li>{@code rebound:webhook:{id}:alive} — the node's heartbeat, with a TTL of {@code webhook_node_ttl};
 *   <li>{@code rebound:webhook:{id}:sessions} — a hash, client id → {@link io.rebound.webhook.SessionRecord} JSON;
 *   <li>{@code rebound:webhook:{id}:claim} — which survivor reports the dead node (with a lease).
 * </ul>
 */
record RedisWebhookKeys(String prefix) {

  static final RedisWebhookKeys DEFAULT = new RedisWebhookKeys("rebound:webhook:");

  String nodes() {
    return prefix + "nodes";
  }

  String alive(String node) {
    return prefix + "{" + node + "}:alive";
  }

  String sessions(String node) {
    return prefix + "{" + node + "}:sessions";
  }

  String claim(String node) {
    return prefix + "{" + node + "}:claim";
  }
}
