package io.rebound.engine.memory;

import io.rebound.config.LimitOptions;
import io.rebound.core.AppendResult;
import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;
import io.rebound.core.StreamPosition;
import io.rebound.engine.HeapBudgeted;
import io.rebound.engine.HistoryEngine;
import io.rebound.engine.Sweepable;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Channel streams in this JVM's heap: the single-node engine, and the fake every other engine is
 * compared with in the contract tests. History is lost when the process stops, so a restarted node
 * hands out new epochs and clients learn {@code recovered:false} instead of a wrong replay.
 *
 * <p><b>Bounded.</b> The streams together hold at most the budget given at construction ({@code
 * history_memory_limit}, see {@link StreamBudget}): past it, whole least-recently-used streams are
 * evicted. An evicted stream is gone like an expired one — its clients learn {@code recovered:
 * false}, and written again it starts at offset 1 of a new epoch. A single stream larger than the
 * whole budget loses its oldest publications instead (as {@code history_size} would trim them).
 * Only an append creates a stream: a read of a channel without one answers offset 0 and the epoch
 * the stream will be created with ({@link GenesisEpochs}) and costs no memory.
 *
 * <p>Thread-safe. Locks are taken in one order — the stream map's bin, then a stream's monitor,
 * then the budget's monitor — and each is held only for in-memory work. {@link #sweep()} must be
 * called periodically to free streams nobody touches any more.
 */
public final class MemoryHistory implements HistoryEngine, Sweepable, HeapBudgeted {

  /** Idempotency keys remembered per channel; beyond this the oldest are forgotten early. */
  static final int MAX_IDEMPOTENCY_KEYS = 10_000;

  private final Map<String, MemoryStream> streams = new ConcurrentHashMap<>();
  private final GenesisEpochs genesis = new GenesisEpochs();
  private final StreamBudget budget;
  private final LongSupplier clock;

  /** With the default budget, a quarter of the heap ({@link LimitOptions#defaultHistoryMemoryLimit()}). */
  public MemoryHistory() {
    this(LimitOptions.defaultHistoryMemoryLimit());
  }

  /** @param memoryLimit bytes the streams may hold together ({@code history_memory_limit}) */
  public MemoryHistory(long memoryLimit) {
    this(memoryLimit, System::currentTimeMillis);
  }

  /** @param clock milliseconds since the epoch; tests drive expiry through it */
  public MemoryHistory(LongSupplier clock) {
    this(LimitOptions.defaultHistoryMemoryLimit(), clock);
  }

  public MemoryHistory(long memoryLimit, LongSupplier clock) {
    this.budget = new StreamBudget(memoryLimit);
    this.clock = clock;
  }

  @Override
  public Future<AppendResult> append(String channel, Publication publication, StreamOptions options, String idempotencyKey) {
    if (!options.enabled()) return Future.failedFuture(new IllegalArgumentException("history is disabled for " + channel));
    long now = clock.getAsLong();
    while (true) {
      MemoryStream stream = live(channel, now);
      AppendResult result;
      synchronized (stream) {
        if (stream.dead()) continue; // evicted between the lookup and the lock: look it up again
        long before = stream.bytes();
        result = stream.append(publication, options, idempotencyKey, now, MAX_IDEMPOTENCY_KEYS);
        budget.charge(stream.bytes() - before);
      }
      budget.used(channel, stream);
      keepWithinBudget(stream);
      return Future.succeededFuture(result);
    }
  }

  @Override
  public Future<HistoryResult> read(String channel, HistoryQuery query, StreamOptions options) {
    if (!options.enabled()) return Future.succeededFuture(new HistoryResult(List.of(), StreamPosition.EMPTY));
    long now = clock.getAsLong();
    while (true) {
      MemoryStream stream = streams.get(channel);
      if (stream == null) {
        // No stream, and none is made: the position a new stream would start from.
        return Future.succeededFuture(new HistoryResult(List.of(), new StreamPosition(0, genesis.current(channel))));
      }
      HistoryResult result = null;
      synchronized (stream) {
        if (!stream.dead() && !stream.metaExpired(now)) {
          budget.charge(stream.expirePublications(now));
          result = stream.read(query);
        }
      }
      if (result != null) {
        budget.used(channel, stream);
        return Future.succeededFuture(result);
      }
      // Expired (its bucket must move on before its position is answered) or evicted meanwhile.
      streams.computeIfPresent(channel, (ch, s) -> keepIfLive(ch, s, now));
    }
  }

  @Override
  public Future<Void> remove(String channel) {
    MemoryStream stream = streams.get(channel);
    if (stream != null) {
      synchronized (stream) {
        if (!stream.dead()) budget.charge(stream.clearPublications());
      }
    }
    return Future.succeededFuture();
  }

  /** Drops expired streams and publications; returns how many streams are left. */
  @Override
  public int sweep() {
    long now = clock.getAsLong();
    for (String channel : streams.keySet()) streams.computeIfPresent(channel, (ch, s) -> keepIfLive(ch, s, now));
    return streams.size();
  }

  @Override
  public long heldBytes() {
    return budget.held();
  }

  @Override
  public long memoryLimit() {
    return budget.limit();
  }

  @Override
  public long evictedStreams() {
    return budget.evicted();
  }

  /** The channel's stream, created if there is none and replacing one whose position has expired (new epoch). */
  private MemoryStream live(String channel, long now) {
    return streams.compute(channel, (ch, existing) -> {
      MemoryStream kept = existing == null ? null : keepIfLive(ch, existing, now);
      if (kept != null) return kept;
      MemoryStream created = new MemoryStream(ch, genesis.current(ch));
      budget.charge(created.bytes());
      return created;
    });
  }

  /**
   * For the stream map's remapping functions: {@code stream} with its expired publications dropped,
   * or null (remove it) when it is dead or its position expired — then it is retired first.
   */
  private MemoryStream keepIfLive(String channel, MemoryStream stream, long now) {
    synchronized (stream) {
      if (stream.dead()) return null;
      if (stream.metaExpired(now)) {
        retire(channel, stream, false);
        return null;
      }
      budget.charge(stream.expirePublications(now));
      return stream;
    }
  }

  /**
   * Over budget after an append to {@code current}: evict least-recently-used streams other than
   * it, and when it is the only one left, trim its oldest publications.
   */
  private void keepWithinBudget(MemoryStream current) {
    while (budget.over()) {
      Map.Entry<String, MemoryStream> victim = budget.leastRecentlyUsedExcept(current);
      if (victim == null) {
        trimWithinBudget(current);
        return;
      }
      evict(victim.getKey(), victim.getValue());
    }
  }

  private void evict(String channel, MemoryStream victim) {
    streams.computeIfPresent(channel, (ch, s) -> {
      if (s != victim) return s;
      synchronized (s) {
        if (!s.dead()) retire(ch, s, true);
      }
      return null;
    });
    budget.forget(channel, victim); // a stream already gone must leave the order too, or the loop would pick it again
  }

  private void trimWithinBudget(MemoryStream stream) {
    synchronized (stream) {
      while (!stream.dead() && budget.over()) {
        long freed = stream.trimOldest();
        if (freed == 0) return;
        budget.charge(freed);
      }
    }
  }

  /** {@code stream} leaves the engine (the caller holds its monitor and removes it from the map). */
  private void retire(String channel, MemoryStream stream, boolean byEviction) {
    stream.markDead();
    budget.release(channel, stream, byEviction);
    genesis.died(channel, stream.epoch());
  }
}
