package io.rebound.webhook;

import io.vertx.core.Future;

/**
 * Where a node's session records outlive the node, and the watch that reports the sessions of nodes
 * that died: one implementation per engine (Hazelcast: a replicated map per member and membership
 * events; Redis: a hash per node and heartbeats). With one node and nothing shared there is {@link
 * #NONE}.
 *
 * <p>The node keeps each of its sessions' {@link SessionRecord} in the ledger from connect until the
 * backend acknowledged the session's disconnect. When a node dies, exactly one survivor (or, in a
 * race, more than one: the events carry the same ids) reads the dead node's records, reports each as
 * a disconnect through {@link LedgerHost#reportLost}, and deletes each record once its event was
 * delivered.
 *
 * <p>Threading: every method is called on the webhook context ({@link LedgerHost#context()}); the
 * returned futures may complete on any thread. Nothing blocks that context.
 */
public interface SessionLedger {

  /** One node, nothing shared: records are not kept anywhere and there are no other nodes to watch. */
  SessionLedger NONE = new SessionLedger() {
    @Override public Future<Void> start(LedgerHost host) { return Future.succeededFuture(); }
    @Override public Future<Void> put(SessionRecord record) { return Future.succeededFuture(); }
    @Override public Future<Void> delete(String client) { return Future.succeededFuture(); }
    @Override public Future<Void> stop(boolean recordsLeft) { return Future.succeededFuture(); }
    @Override public String describe() { return "none (single node)"; }
  };

  /** Starts storing and watching for dead nodes on behalf of {@code host}. */
  Future<Void> start(LedgerHost host);

  /** Stores (or replaces) this node's record of {@code record.client()}. */
  Future<Void> put(SessionRecord record);

  /** Removes this node's record of {@code client} (its disconnect was delivered, or dropped). */
  Future<Void> delete(String client);

  /**
   * Stops watching. With {@code recordsLeft} some disconnects of this node were not delivered: their
   * records stay for a survivor to report; otherwise this node's records are removed altogether.
   */
  Future<Void> stop(boolean recordsLeft);

  /** What this ledger is, for the start log line. */
  String describe();
}
