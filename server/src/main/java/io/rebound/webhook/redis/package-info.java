/**
 * The webhook ledger for {@code engine: redis}: a session hash and a heartbeat per node, and every node
 * scanning for expired heartbeats, the winner of an atomic claim reporting the dead node's sessions.
 */
package io.rebound.webhook.redis;
