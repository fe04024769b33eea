package io.rebound.engine.memory;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node-wide byte budget of the memory engine ({@code history_memory_limit}): how many bytes the
 * live streams hold, and their order of last use (append or read), least recent first, from which
 * {@link MemoryHistory} picks the streams to evict.
 *
 * <p>Thread-safe. Its monitor is a leaf lock: held only for the order's own bookkeeping, never while
 * taking a stream's monitor or the stream map's, so it cannot be part of a lock cycle.
 */
final class StreamBudget {

  private final long limit;
  private final AtomicLong held = new AtomicLong();
  private final AtomicLong evicted = new AtomicLong();
  // Access order: the first entry is the least recently used stream.
  private final LinkedHashMap<String, MemoryStream> order = new LinkedHashMap<>(256, 0.75f, true);

  StreamBudget(long limit) {
    if (limit <= 0) throw new IllegalArgumentException("history memory limit must be > 0");
    this.limit = limit;
  }

  long limit() {
    return limit;
  }

  long held() {
    return held.get();
  }

  long evicted() {
    return evicted.get();
  }

  boolean over() {
    return held.get() > limit;
  }

  /** What a stream holds changed by {@code delta} bytes. */
  void charge(long delta) {
    if (delta != 0) held.addAndGet(delta);
  }

  /** {@code stream} of {@code channel} was just used: it becomes the most recently used. A dead stream is not put back. */
  synchronized void used(String channel, MemoryStream stream) {
    // The stream's killer marks it dead before it calls forget: checked under this monitor, a dead
    // stream is either seen dead here or removed again by the forget that follows.
    if (!stream.dead()) order.put(channel, stream);
  }

  /** {@code stream} left the engine: its bytes are released, it leaves the order. */
  void release(String channel, MemoryStream stream, boolean byEviction) {
    charge(-stream.bytes());
    if (byEviction) evicted.incrementAndGet();
    forget(channel, stream);
  }

  /** Removes {@code channel} from the order if it still names {@code stream}. */
  synchronized void forget(String channel, MemoryStream stream) {
    order.remove(channel, stream);
  }

  /** The least recently used stream other than {@code keep}, or null when there is none. */
  synchronized Map.Entry<String, MemoryStream> leastRecentlyUsedExcept(MemoryStream keep) {
    for (Iterator<Map.Entry<String, MemoryStream>> it = order.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, MemoryStream> e = it.next();
      if (e.getValue() != keep) return Map.entry(e.getKey(), e.getValue());
    }
    return null;
  }
}
