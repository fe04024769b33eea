package io.rebound.http;

import java.util.concurrent.atomic.AtomicInteger;

/** A {@link PendingCount} with its cap: one for the node's port (held by the edges' {@code ConnectionLimits}), one for the admin port. Thread-safe. */
public final class PendingCap implements PendingCount {

  private final int max;
  private final AtomicInteger pending = new AtomicInteger();

  /** {@code max}: the cap, 0 = none. */
  public PendingCap(int max) {
    this.max = max;
  }

  @Override
  public void pendingOpened() {
    pending.incrementAndGet();
  }

  @Override
  public void pendingClosed() {
    pending.decrementAndGet();
  }

  @Override
  public boolean pendingOverCap() {
    return max > 0 && pending.get() > max;
  }

  /** The sockets waiting now. */
  public int pending() {
    return pending.get();
  }
}
