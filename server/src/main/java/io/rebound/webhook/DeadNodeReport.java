package io.rebound.webhook;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * The disconnects of one dead node's sessions on their way to the backend: offered as buffer room
 * allows ({@link #pump}, called again on every tick of the ledger's watch), each record forgotten in
 * the store once its event was delivered, and {@code finished} run when all were. Confined to the
 * webhook context.
 */
public final class DeadNodeReport {

  private final String deadNode;
  private final LedgerHost host;
  private final Deque<SessionRecord> waiting;
  private final Consumer<SessionRecord> forget;
  private final Runnable finished;
  private int outstanding;
  private boolean done;

  /**
   * @param forget removes a record from the store once its disconnect was delivered
   * @param finished runs once, after the last record was forgotten (at once when there are none)
   */
  public DeadNodeReport(String deadNode, Collection<SessionRecord> records, LedgerHost host, Consumer<SessionRecord> forget,
      Runnable finished) {
    this.deadNode = deadNode;
    this.host = host;
    this.waiting = new ArrayDeque<>(records);
    this.forget = forget;
    this.finished = finished;
  }

  public String deadNode() {
    return deadNode;
  }

  /** Offers as many waiting disconnects as the buffer takes now. */
  public void pump() {
    while (!waiting.isEmpty()) {
      SessionRecord r = waiting.peek();
      if (!host.reportLost(r, () -> delivered(r))) break;
      waiting.poll();
      outstanding++;
    }
    finishIfDone();
  }

  /** Records not yet delivered (waiting for room or for the backend). */
  public int remaining() {
    return waiting.size() + outstanding;
  }

  public boolean done() {
    return done;
  }

  private void delivered(SessionRecord r) {
    outstanding--;
    forget.accept(r);
    finishIfDone();
  }

  private void finishIfDone() {
    if (done || !waiting.isEmpty() || outstanding > 0) return;
    done = true;
    finished.run();
  }
}
