package io.rebound.engine.memory;

import io.rebound.engine.SyncPositionStore;

import io.rebound.core.StreamPosition;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Sync positions in this JVM's heap, beside {@link io.rebound.engine.memory.MemoryHistory}: lost when the
 * process stops, like the history itself (whose epochs then change anyway).
 *
 * <p>Thread-safe and lock-free for callers: an advance is one {@link ConcurrentHashMap#compute} on its
 * key. Expiry is lazy: {@link #get} never returns an expired entry, and every {@link #advance} also
 * examines at most {@link #CLEANUP_BATCH} other entries and frees the expired ones, so the map stays
 * bounded by the live entries without a timer. Only one caller at a time does that cleanup step;
 * the others skip it rather than wait.
 */
public final class MemorySyncPositions implements SyncPositionStore {

  /** Entries one advance examines for expiry at most. */
  static final int CLEANUP_BATCH = 16;

  private static final long NEVER = Long.MAX_VALUE;

  private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private final AtomicBoolean cleaning = new AtomicBoolean();
  /** Where the cleanup continues; only touched by the caller holding {@link #cleaning}. */
  private Iterator<Map.Entry<Key, Entry>> cursor;

  public MemorySyncPositions() {
    this(System::currentTimeMillis);
  }

  /** @param clock milliseconds since the epoch; tests drive expiry through it */
  public MemorySyncPositions(LongSupplier clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Future<StreamPosition> get(String channel, String user) {
    Key key = new Key(channel, user);
    Entry entry = entries.get(key);
    if (entry == null) return Future.succeededFuture();
    if (entry.expired(clock.getAsLong())) {
      entries.remove(key, entry);
      return Future.succeededFuture();
    }
    return Future.succeededFuture(entry.position);
  }

  @Override
  public Future<Void> advance(String channel, String user, StreamPosition position, Duration ttl) {
    Objects.requireNonNull(position, "position");
    long now = clock.getAsLong();
    long expiresAt = expiresAt(now, ttl);
    entries.compute(new Key(channel, user), (k, old) -> {
      boolean keep = old != null && !old.expired(now) && old.position.epoch().equals(position.epoch())
          && old.position.offset() > position.offset();
      return new Entry(keep ? old.position : position, expiresAt);
    });
    cleanupStep(now);
    return Future.succeededFuture();
  }

  /** How many entries are held, expired ones not yet freed included. */
  int size() {
    return entries.size();
  }

  private void cleanupStep(long now) {
    if (!cleaning.compareAndSet(false, true)) return;
    try {
      boolean restarted = false;
      for (int examined = 0; examined < CLEANUP_BATCH; examined++) {
        if (cursor == null || !cursor.hasNext()) {
          // One fresh pass per step at most, so a small map is not scanned over and over.
          if (restarted) return;
          cursor = entries.entrySet().iterator();
          restarted = true;
          if (!cursor.hasNext()) return;
        }
        Map.Entry<Key, Entry> e = cursor.next();
        // Conditional remove: an advance may have replaced the entry since the iterator saw it.
        if (e.getValue().expired(now)) entries.remove(e.getKey(), e.getValue());
      }
    } finally {
      cleaning.set(false);
    }
  }

  private static long expiresAt(long now, Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isZero() || ttl.isNegative()) return NEVER;
    long ms;
    try {
      ms = ttl.toMillis();
    } catch (ArithmeticException tooLong) {
      return NEVER;
    }
    return ms >= NEVER - now ? NEVER : now + ms;
  }

  private record Key(String channel, String user) {
    Key {
      Objects.requireNonNull(channel, "channel");
      Objects.requireNonNull(user, "user");
    }
  }

  /** Identity equality on purpose: the cleanup's conditional remove must only drop the exact entry it saw. */
  private static final class Entry {
    final StreamPosition position;
    final long expiresAt;

    Entry(StreamPosition position, long expiresAt) {
      this.position = position;
      this.expiresAt = expiresAt;
    }

    boolean expired(long now) {
      return now >= expiresAt;
    }
  }
}
