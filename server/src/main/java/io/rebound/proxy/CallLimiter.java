package io.rebound.proxy;

import io.vertx.core.Context;
import java.util.ArrayDeque;

/**
 * A node's bound on concurrent backend calls: at most {@code maxInFlight} run at once and at most
 * {@code maxQueued} more wait, first come first served; past that a call is refused at once, so a
 * reconnect storm reaches the backend at a rate it chose rather than all at once. Thread-safe (the
 * edges of a node share one); a waiting call starts on its own caller's context.
 */
final class CallLimiter {

  /** A call waiting for a slot; {@link #cancel()} (its deadline passed) removes it from the line. */
  static final class Ticket {
    private final Context context;
    private final Runnable start;
    private boolean cancelled; // guarded by the limiter

    private Ticket(Context context, Runnable start) {
      this.context = context;
      this.start = start;
    }
  }

  private final int maxInFlight;
  private final int maxQueued;
  private final ArrayDeque<Ticket> queue = new ArrayDeque<>();
  private int inFlight; // guarded by this
  private int queued; // guarded by this: tickets in the queue not cancelled

  CallLimiter(int maxInFlight, int maxQueued) {
    this.maxInFlight = maxInFlight;
    this.maxQueued = maxQueued;
  }

  /**
   * Runs {@code start} now (on this thread) when a slot is free, or later on {@code context} when one
   * frees up; returns the waiting ticket, {@link #STARTED} when it ran, or null when the line is full.
   * Every call that started must {@link #release()} exactly once.
   */
  Ticket submit(Context context, Runnable start) {
    Ticket ticket;
    synchronized (this) {
      if (inFlight < maxInFlight) {
        inFlight++;
        ticket = STARTED;
      } else if (queued < maxQueued) {
        ticket = new Ticket(context, start);
        queue.add(ticket);
        queued++;
        return ticket;
      } else {
        return null;
      }
    }
    start.run();
    return ticket;
  }

  /** A ticket that is not waiting: its call already started. */
  static final Ticket STARTED = new Ticket(null, null);

  /** A waiting call gave up (its deadline passed): it will not start. False when it already started. */
  synchronized boolean cancel(Ticket ticket) {
    if (ticket == STARTED || ticket.cancelled || !queue.contains(ticket)) return false;
    ticket.cancelled = true;
    queue.remove(ticket);
    queued--;
    return true;
  }

  /** A started call ended: its slot goes to the first waiting call, if any. */
  void release() {
    Ticket next;
    synchronized (this) {
      next = queue.poll();
      if (next == null) {
        inFlight--;
        return;
      }
      queued--;
    }
    next.context.runOnContext(v -> next.start.run());
  }

  synchronized int inFlight() {
    return inFlight;
  }

  synchronized int queued() {
    return queued;
  }
}
