package io.rebound.engine;

/**
 * An optional capability of an engine that keeps history in this JVM's heap under a byte budget
 * (the memory engine, {@code history_memory_limit}): what it holds and what it evicted, for the
 * node's metrics. Safe to call from any thread.
 */
public interface HeapBudgeted {

  /** Bytes the live streams hold now (an estimate of their heap). */
  long heldBytes();

  /** The budget: above it whole least-recently-used streams are evicted. */
  long memoryLimit();

  /** Streams evicted to stay within the budget since start. */
  long evictedStreams();
}
