package io.rebound.engine.memory;

import io.rebound.core.AppendResult;
import io.rebound.core.ClientInfo;
import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;
import io.rebound.core.StreamPosition;
import io.rebound.engine.HistoryEngine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One channel's stream in the memory engine, and the bytes it holds (its publications, idempotency
 * keys and own bookkeeping, as an estimate of the heap they take), which {@link MemoryHistory}
 * charges to the node's history budget.
 *
 * <p>Guarded by its own monitor: every method except {@link #epoch()} and {@link #dead()} is called
 * with it held. Methods that change what the stream holds return the change in {@link #bytes()}.
 */
final class MemoryStream {

  /** The stream object, its queue and key map, its map and LRU entries (estimate). */
  static final int STREAM_OVERHEAD = 400;
  /** A publication's record, its queue slot and its strings' headers (estimate). */
  static final int PUBLICATION_OVERHEAD = 96;
  /** An idempotency key's map entry, string header and remembered position (estimate). */
  static final int KEY_OVERHEAD = 128;

  private final String epoch;
  private final ArrayDeque<Publication> publications = new ArrayDeque<>();
  private final LinkedHashMap<String, IdempotentResult> idempotency = new LinkedHashMap<>();
  private long top;
  private long publicationsExpireAt = Long.MAX_VALUE;
  private long metaExpiresAt = Long.MAX_VALUE;
  private long bytes;
  // Volatile: the LRU order reads it without this monitor (see StreamBudget#used).
  private volatile boolean dead;

  MemoryStream(String channel, String epoch) {
    this.epoch = epoch;
    this.bytes = STREAM_OVERHEAD + 2L * channel.length();
  }

  String epoch() {
    return epoch;
  }

  long bytes() {
    return bytes;
  }

  /** Whether the stream has left the engine (expired or evicted): callers look it up again. */
  boolean dead() {
    return dead;
  }

  void markDead() {
    dead = true;
  }

  AppendResult append(Publication publication, StreamOptions options, String idempotencyKey, long now, int maxKeys) {
    if (idempotencyKey != null) {
      forgetOldKeys(now);
      IdempotentResult seen = idempotency.get(idempotencyKey);
      if (seen != null) return new AppendResult(seen.position, true);
    }
    top++;
    Publication stored = publication.withOffset(top);
    publications.addLast(stored);
    bytes += sizeOf(stored);
    while (publications.size() > options.size()) bytes -= sizeOf(publications.removeFirst());
    publicationsExpireAt = now + options.ttl().toMillis();
    metaExpiresAt = now + options.metaTtl().toMillis();
    StreamPosition position = new StreamPosition(top, epoch);
    if (idempotencyKey != null) {
      idempotency.put(idempotencyKey, new IdempotentResult(position, now));
      bytes += keySize(idempotencyKey);
      if (idempotency.size() > maxKeys) forgetEldestKey();
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

  boolean metaExpired(long now) {
    return now >= metaExpiresAt;
  }

  /** Drops the publications when their TTL has passed (the position stays until the meta TTL). */
  long expirePublications(long now) {
    return now >= publicationsExpireAt ? clearPublications() : 0;
  }

  /** Drops every publication; the position (top, epoch) stays. */
  long clearPublications() {
    long freed = 0;
    for (Publication p : publications) freed += sizeOf(p);
    publications.clear();
    bytes -= freed;
    return -freed;
  }

  /** Drops the oldest publication unless only the newest is left; returns the (negative) change, 0 when nothing was dropped. */
  long trimOldest() {
    if (publications.size() <= 1) return 0;
    long freed = sizeOf(publications.removeFirst());
    bytes -= freed;
    return -freed;
  }

  private void forgetOldKeys(long now) {
    for (Iterator<Map.Entry<String, IdempotentResult>> it = idempotency.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, IdempotentResult> e = it.next();
      if (now - e.getValue().at < HistoryEngine.IDEMPOTENCY_WINDOW_MS) break;
      bytes -= keySize(e.getKey());
      it.remove();
    }
  }

  private void forgetEldestKey() {
    Iterator<String> it = idempotency.keySet().iterator();
    bytes -= keySize(it.next());
    it.remove();
  }

  /** Heap estimate of a stored publication: its payload bytes, and its strings at one byte per Latin-1 character, two otherwise. */
  static long sizeOf(Publication p) {
    long n = PUBLICATION_OVERHEAD + p.data().length();
    ClientInfo info = p.info();
    if (info != null) n += PUBLICATION_OVERHEAD + chars(info.user()) + chars(info.client()) + chars(info.connInfo()) + chars(info.chanInfo());
    if (p.tags() != null) {
      for (Map.Entry<String, String> t : p.tags().entrySet()) n += PUBLICATION_OVERHEAD + chars(t.getKey()) + chars(t.getValue());
    }
    return n;
  }

  private static long keySize(String key) {
    return KEY_OVERHEAD + chars(key);
  }

  private static long chars(String s) {
    if (s == null) return 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0xFF) return 2L * s.length();
    }
    return s.length();
  }

  private record IdempotentResult(StreamPosition position, long at) {}
}
