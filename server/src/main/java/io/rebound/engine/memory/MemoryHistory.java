package io.rebound.engine.memory;

import io.rebound.core.AppendResult;
import io.rebound.core.Epochs;
import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;
import io.rebound.core.StreamPosition;
import io.rebound.engine.HistoryEngine;
import io.rebound.engine.Sweepable;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Channel streams in this JVM's heap: the single-node engine, and the fake every other engine is
 * compared with in the contract tests. History is lost when the process stops, so a restarted node
 * hands out new epochs and clients learn {@code recovered:false} instead of a wrong replay.
 *
 * <p>Thread-safe: each stream is guarded by its own monitor, held only for in-memory work.
 * {@link #sweep()} must be called periodically to free streams nobody touches any more.
 */
public final class MemoryHistory implements HistoryEngine, Sweepable {

  /** Idempotency keys remembered per channel; beyond this the oldest are forgotten early. */
  static final int MAX_IDEMPOTENCY_KEYS = 10_000;

  private final Map<String, Stream> streams = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  public MemoryHistory() {
    this(System::currentTimeMillis);
  }

  /** @param clock milliseconds since the epoch; tests drive expiry through it */
  public MemoryHistory(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public Future<AppendResult> append(String channel, Publication publication, StreamOptions options, String idempotencyKey) {
    if (!options.enabled()) return Future.failedFuture(new IllegalArgumentException("history is disabled for " + channel));
    long now = clock.getAsLong();
    Stream stream = live(channel, now);
    synchronized (stream) {
      if (stream.dead) return append(channel, publication, options, idempotencyKey);
      return Future.succeededFuture(stream.append(publication, options, idempotencyKey, now));
    }
  }

  @Override
  public Future<HistoryResult> read(String channel, HistoryQuery query, StreamOptions options) {
    long now = clock.getAsLong();
    if (!options.enabled()) return Future.succeededFuture(new HistoryResult(List.of(), StreamPosition.EMPTY));
    Stream stream = live(channel, now);
    synchronized (stream) {
      if (stream.dead) return read(channel, query, options);
      stream.touchMeta(now, options);
      return Future.succeededFuture(stream.read(query));
    }
  }

  @Override
  public Future<Void> remove(String channel) {
    Stream stream = streams.get(channel);
    if (stream != null) {
      synchronized (stream) {
        stream.publications.clear();
      }
    }
    return Future.succeededFuture();
  }

  /** Drops expired streams and publications; returns how many streams are left. */
  @Override
  public int sweep() {
    long now = clock.getAsLong();
    for (Iterator<Map.Entry<String, Stream>> it = streams.entrySet().iterator(); it.hasNext(); ) {
      Stream stream = it.next().getValue();
      synchronized (stream) {
        if (stream.metaExpired(now)) {
          stream.dead = true;
          it.remove();
        } else {
          stream.expirePublications(now);
        }
      }
    }
    return streams.size();
  }

  /** The channel's stream, replacing one whose position has expired (new epoch). */
  private Stream live(String channel, long now) {
    return streams.compute(channel, (ch, existing) -> {
      if (existing == null) return new Stream();
      synchronized (existing) {
        if (!existing.metaExpired(now)) {
          existing.expirePublications(now);
          return existing;
        }
        existing.dead = true;
        return new Stream();
      }
    });
  }

  private static final class Stream {
    final String epoch = Epochs.next();
    final ArrayDeque<Publication> publications = new ArrayDeque<>();
    final LinkedHashMap<String, IdempotentResult> idempotency = new LinkedHashMap<>();
    long top;
    long publicationsExpireAt = Long.MAX_VALUE;
    long metaExpiresAt = Long.MAX_VALUE;
    boolean dead;

    AppendResult append(Publication publication, StreamOptions options, String idempotencyKey, long now) {
      if (idempotencyKey != null) {
        forgetOldKeys(now);
        IdempotentResult seen = idempotency.get(idempotencyKey);
        if (seen != null) return new AppendResult(seen.position, true);
      }
      top++;
      publications.addLast(publication.withOffset(top));
      while (publications.size() > options.size()) publications.removeFirst();
      publicationsExpireAt = now + options.ttl().toMillis();
      metaExpiresAt = now + options.metaTtl().toMillis();
      StreamPosition position = new StreamPosition(top, epoch);
      if (idempotencyKey != null) {
        idempotency.put(idempotencyKey, new IdempotentResult(position, now));
        if (idempotency.size() > MAX_IDEMPOTENCY_KEYS) idempotency.remove(idempotency.keySet().iterator().next());
      }
      return new AppendResult(position, false);
    }

    HistoryResult read(HistoryQuery query) {
      List<Publication> out = new ArrayList<>();
      int limit = query.limit() == HistoryQuery.NO_LIMIT ? Integer.MAX_VALUE : query.limit();
      if (limit > 0) {
        Iterator<Publication> it = query.reverse() ? publications.descendingIterator() : publications.iterator();
        while (it.hasNext() && out.size() < limit) {
          Publication pub = it.next();
          if (query.since() == null
              || (query.reverse() ? pub.offset() < query.since().offset() : pub.offset() > query.since().offset())) {
            out.add(pub);
          }
        }
      }
      return new HistoryResult(out, new StreamPosition(top, epoch));
    }

    /** A read keeps an otherwise idle stream's position alive, so that its epoch stays stable. */
    void touchMeta(long now, StreamOptions options) {
      if (metaExpiresAt == Long.MAX_VALUE || top == 0) metaExpiresAt = now + options.metaTtl().toMillis();
    }

    boolean metaExpired(long now) {
      return now >= metaExpiresAt;
    }

    void expirePublications(long now) {
      if (now >= publicationsExpireAt) publications.clear();
    }

    private void forgetOldKeys(long now) {
      for (Iterator<IdempotentResult> it = idempotency.values().iterator(); it.hasNext(); ) {
        if (now - it.next().at < IDEMPOTENCY_WINDOW_MS) break;
        it.remove();
      }
    }
  }

  private record IdempotentResult(StreamPosition position, long at) {}
}
