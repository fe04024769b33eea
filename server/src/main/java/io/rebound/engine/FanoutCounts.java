package io.rebound.engine;

import java.util.concurrent.atomic.LongAdder;

/**
 * Fan-out messages a node's broadcaster handed to its edges, by source: {@code local} (published on
 * this node and delivered to its own edges without leaving it) and {@code cluster} (arrived through
 * the cluster transport: the event bus from another node, or Redis pub/sub). Exported as {@code
 * rebound_fanout_received_total{source}}; with routing by interest, {@code cluster} grows only for
 * channels this node has subscribers of. Thread-safe.
 */
public final class FanoutCounts {

  /** For broadcasters that count nothing. */
  public static final FanoutCounts NONE = new FanoutCounts();

  private final LongAdder local = new LongAdder();
  private final LongAdder cluster = new LongAdder();

  public void local() {
    local.increment();
  }

  public void cluster() {
    cluster.increment();
  }

  public long localTotal() {
    return local.sum();
  }

  public long clusterTotal() {
    return cluster.sum();
  }
}
