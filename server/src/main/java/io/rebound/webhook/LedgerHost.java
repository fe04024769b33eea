package io.rebound.webhook;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** What a {@link SessionLedger} gets from the node's webhook service. */
public interface LedgerHost {

  Vertx vertx();

  /** The webhook context: the ledger is called on it, and runs its timers and callbacks on it. */
  Context context();

  /** This node's name, as it appears in events. */
  String nodeName();

  /**
   * Queues the disconnect of {@code record}, a session of a dead node ({@link
   * SessionRecord#disconnectEvent}); {@code onDelivered} runs on the webhook context once the backend
   * acknowledged it. False when the buffer has no room now: nothing was queued, offer it again later
   * (the record is still stored, so nothing is lost by waiting).
   */
  boolean reportLost(SessionRecord record, Runnable onDelivered);

  /** Stores every record this node holds again (the store lost them, e.g. Redis restarted empty). */
  void rewriteAll();
}
