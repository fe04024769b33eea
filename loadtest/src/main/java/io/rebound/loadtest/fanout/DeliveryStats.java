package io.rebound.loadtest.fanout;

import io.rebound.loadtest.common.LatencyHistogram;

/**
 * Delivery counters and latency of one round. Mutable and confined to one event loop while the round
 * runs; {@link #copy()} hands a snapshot across threads and {@link #merge(DeliveryStats)} aggregates shards.
 */
public final class DeliveryStats {

  /** Unique in-range publications received (duplicates excluded). */
  long delivered;
  /** A publication this subscriber had already received in this round. */
  long duplicates;
  /** A publication whose stream offset is lower than one this subscriber already saw. */
  long outOfOrder;
  /** Publications outside this round's seq range (late from an earlier round, or foreign). */
  long stray;
  /** Subscribers whose connection closed after they were subscribed. */
  long disconnects;
  long firstMicros = Long.MAX_VALUE;
  long lastMicros = Long.MIN_VALUE;
  final LatencyHistogram latency;

  public DeliveryStats() {
    this(new LatencyHistogram());
  }

  private DeliveryStats(LatencyHistogram latency) {
    this.latency = latency;
  }

  /** Counts one accepted delivery received at {@code nowMicros} for a publication stamped {@code sentMicros}. */
  void delivered(long nowMicros, long sentMicros) {
    delivered++;
    if (sentMicros != FrameScanner.NO_VALUE) latency.record(nowMicros - sentMicros);
    if (nowMicros < firstMicros) firstMicros = nowMicros;
    if (nowMicros > lastMicros) lastMicros = nowMicros;
  }

  void reset() {
    delivered = duplicates = outOfOrder = stray = disconnects = 0;
    firstMicros = Long.MAX_VALUE;
    lastMicros = Long.MIN_VALUE;
    latency.reset();
  }

  DeliveryStats copy() {
    DeliveryStats c = new DeliveryStats(latency.copy());
    c.addCounters(this);
    return c;
  }

  /** Adds {@code other} into this one. */
  DeliveryStats merge(DeliveryStats other) {
    addCounters(other);
    latency.merge(other.latency);
    return this;
  }

  private void addCounters(DeliveryStats o) {
    delivered += o.delivered;
    duplicates += o.duplicates;
    outOfOrder += o.outOfOrder;
    stray += o.stray;
    disconnects += o.disconnects;
    firstMicros = Math.min(firstMicros, o.firstMicros);
    lastMicros = Math.max(lastMicros, o.lastMicros);
  }

  /** Microseconds between the first and the last accepted delivery, 0 with fewer than two. */
  long spanMicros() {
    return delivered < 2 ? 0 : lastMicros - firstMicros;
  }
}
