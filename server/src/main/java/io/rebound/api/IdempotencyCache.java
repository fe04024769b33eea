package io.rebound.api;

import io.rebound.engine.HistoryEngine;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Idempotency keys of publications that are not stored in history (the engine remembers the keys of
 * stored ones). Node-local and bounded; confined to the API verticle's event loop.
 */
final class IdempotencyCache {
  static final int MAX_KEYS = 100_000;
  private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

  /** True the first time {@code key} is seen within the idempotency window. */
  boolean firstUse(String key) {
    long now = System.currentTimeMillis();
    for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
      if (now - it.next() < HistoryEngine.IDEMPOTENCY_WINDOW_MS) break;
      it.remove();
    }
    if (seen.containsKey(key)) return false;
    seen.put(key, now);
    if (seen.size() > MAX_KEYS) seen.remove(seen.keySet().iterator().next());
    return true;
  }
}
