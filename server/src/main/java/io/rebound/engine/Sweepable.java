package io.rebound.engine;

/**
 * An optional capability of an engine whose store does not expire entries by itself (the memory
 * engine): its owner calls {@link #sweep()} periodically on any thread. Hazelcast and Redis expire
 * on their own and do not implement it.
 */
public interface Sweepable {

  /** Frees what has expired; returns how many entries (streams, positions) were removed. */
  int sweep();
}
