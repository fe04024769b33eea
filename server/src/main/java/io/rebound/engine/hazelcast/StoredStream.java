package io.rebound.engine.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.rebound.engine.HistoryEngine;
import io.rebound.core.HistoryQuery;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One channel stream as stored in the {@code rebound.history.streams} IMap: epoch, top offset, the
 * kept publications in their {@link io.rebound.engine.PublicationCodec} form, idempotency keys and
 * expiry times.
 *
 * <p>The kept publications are always the contiguous offsets {@code top - size + 1 .. top}: appends
 * add exactly offset {@code top + 1} at the end and trimming/expiry only removes from the front or
 * everything, so no offset needs to be stored per publication.
 *
 * <p>Not thread-safe and never shared: entry processors get their own deserialised copy on the
 * partition thread. Every method that depends on time takes {@code now} as an argument, so the same
 * processor replayed on a backup replica reaches the same state as on the owner.
 */
public final class StoredStream implements IdentifiedDataSerializable {

  /** Idempotency keys remembered per channel; beyond this the oldest are forgotten early. Smaller than
   * the memory engine's bound because the whole entry is (de)serialised on every append. */
  static final int MAX_IDEMPOTENCY_KEYS = 1_000;

  /** "Not set" for expiry times: a stream created and never appended to or read. */
  static final long NEVER = Long.MAX_VALUE;

  private String epoch;
  private long top;
  private long publicationsExpireAt = NEVER;
  private long metaExpireAt = NEVER;
  private final ArrayDeque<byte[]> publications = new ArrayDeque<>();
  private final LinkedHashMap<String, IdempotentAppend> idempotency = new LinkedHashMap<>();

  /** For deserialisation only. */
  public StoredStream() {}

  /** An empty stream (top 0) with {@code epoch}. */
  static StoredStream fresh(String epoch) {
    StoredStream s = new StoredStream();
    s.epoch = epoch;
    return s;
  }

  String epoch() {
    return epoch;
  }

  long top() {
    return top;
  }

  long metaExpireAt() {
    return metaExpireAt;
  }

  /** True once the position itself has expired: the stream is gone and the next one gets a new epoch. */
  boolean metaExpired(long now) {
    return now >= metaExpireAt;
  }

  /** Drops every publication when their TTL has passed; returns whether anything was dropped. */
  boolean expirePublications(long now) {
    if (now < publicationsExpireAt || publications.isEmpty()) return false;
    publications.clear();
    return true;
  }

  /** Drops every publication, keeping the position ({@link HistoryEngine#remove}). */
  boolean clearPublications() {
    boolean had = !publications.isEmpty();
    publications.clear();
    return had;
  }

  /**
   * Keeps an idle stream's position alive after a read, so the epoch a reader saw is the one the next
   * append keeps (same rule as MemoryHistory). Returns whether anything changed.
   */
  boolean touchMeta(long now, long metaTtlMs) {
    if (metaExpireAt != NEVER && top != 0) return false;
    metaExpireAt = now + metaTtlMs;
    return true;
  }

  /**
   * Appends one publication: gives it offset {@code top + 1}, trims to {@code size}, resets the TTLs.
   * A known idempotency key (seen within the window) appends nothing and returns the first outcome.
   */
  AppendOutcome append(byte[] publication, int size, long ttlMs, long metaTtlMs, String idempotencyKey, long now) {
    if (idempotencyKey != null) {
      forgetOldKeys(now);
      IdempotentAppend seen = idempotency.get(idempotencyKey);
      if (seen != null) return new AppendOutcome(seen.offset, epoch, true);
    }
    top++;
    publications.addLast(publication);
    while (publications.size() > size) publications.removeFirst();
    publicationsExpireAt = now + ttlMs;
    metaExpireAt = now + metaTtlMs;
    if (idempotencyKey != null) {
      idempotency.put(idempotencyKey, new IdempotentAppend(top, now));
      if (idempotency.size() > MAX_IDEMPOTENCY_KEYS) idempotency.remove(idempotency.keySet().iterator().next());
    }
    return new AppendOutcome(top, epoch, false);
  }

  /** The publications selected by {@code since}/{@code limit}/{@code reverse}, with the current top. */
  ReadOutcome read(long sinceOffset, int limit, boolean reverse) {
    int max = limit == HistoryQuery.NO_LIMIT ? Integer.MAX_VALUE : limit;
    List<byte[]> out = new ArrayList<>();
    List<Long> offsets = new ArrayList<>();
    if (max > 0) {
      long first = top - publications.size() + 1;
      Iterator<byte[]> it = reverse ? publications.descendingIterator() : publications.iterator();
      long offset = reverse ? top : first;
      while (it.hasNext() && out.size() < max) {
        byte[] pub = it.next();
        boolean selected = sinceOffset < 0 || (reverse ? offset < sinceOffset : offset > sinceOffset);
        if (selected) {
          out.add(pub);
          offsets.add(offset);
        }
        offset += reverse ? -1 : 1;
      }
    }
    long[] offsetArray = offsets.stream().mapToLong(Long::longValue).toArray();
    return new ReadOutcome(epoch, top, offsetArray, out);
  }

  /**
   * How long Hazelcast should keep the entry: until the position expires plus {@code graceMs}. The
   * grace makes the engine's own expiry check decide first, on owner and backup alike; Hazelcast's
   * per-entry TTL only frees the memory afterwards.
   */
  long entryTtlMs(long now, long graceMs) {
    if (metaExpireAt == NEVER) return 0; // 0 = no TTL; never stored in this state by the processors
    return Math.max(1, metaExpireAt - now) + graceMs;
  }

  int size() {
    return publications.size();
  }

  /** The oldest kept offset; {@code top + 1} when no publication is kept. */
  long first() {
    return top - publications.size() + 1;
  }

  /**
   * Whether this stream's history provably continues into {@code later}'s: same epoch, not ahead of it, and every
   * publication both keep up to this top byte-identical — including this top itself, so at least the last offset
   * a reader of this copy can have seen is checked. When {@code later} no longer keeps that offset (trimmed or
   * expired) nothing can be proven and the answer is false. Two copies of an empty or fully expired stream with the
   * same top are taken as one (nothing was appended to either since the position expired its publications).
   */
  boolean continuesInto(StoredStream later) {
    if (!epoch.equals(later.epoch) || top > later.top) return false;
    if (top == 0) return true;
    if (publications.isEmpty()) return top == later.top && later.publications.isEmpty();
    long from = Math.max(first(), later.first());
    if (from > top) return false;
    Iterator<byte[]> mine = publications.iterator();
    for (long o = first(); o < from; o++) mine.next();
    Iterator<byte[]> theirs = later.publications.iterator();
    for (long o = later.first(); o < from; o++) theirs.next();
    for (long o = from; o <= top; o++) {
      if (!Arrays.equals(mine.next(), theirs.next())) return false;
    }
    return true;
  }

  /**
   * Moves this stream, publications and idempotency keys unchanged, to {@code newEpoch}: its offsets stop being
   * comparable with any position a reader holds, so every recovery from the old epoch answers {@code recovered:
   * false}.
   */
  void moveToEpoch(String newEpoch) {
    this.epoch = newEpoch;
  }

  private void forgetOldKeys(long now) {
    for (Iterator<IdempotentAppend> it = idempotency.values().iterator(); it.hasNext(); ) {
      if (now - it.next().at < HistoryEngine.IDEMPOTENCY_WINDOW_MS) break;
      it.remove();
    }
  }

  @Override
  public int getFactoryId() {
    return EngineSerializerFactory.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return EngineSerializerFactory.STORED_STREAM;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(epoch);
    out.writeLong(top);
    out.writeLong(publicationsExpireAt);
    out.writeLong(metaExpireAt);
    out.writeInt(publications.size());
    for (byte[] pub : publications) out.writeByteArray(pub);
    out.writeInt(idempotency.size());
    for (Map.Entry<String, IdempotentAppend> e : idempotency.entrySet()) {
      out.writeString(e.getKey());
      out.writeLong(e.getValue().offset);
      out.writeLong(e.getValue().at);
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    epoch = in.readString();
    top = in.readLong();
    publicationsExpireAt = in.readLong();
    metaExpireAt = in.readLong();
    int n = in.readInt();
    for (int i = 0; i < n; i++) publications.addLast(in.readByteArray());
    int keys = in.readInt();
    for (int i = 0; i < keys; i++) {
      String key = in.readString();
      idempotency.put(key, new IdempotentAppend(in.readLong(), in.readLong()));
    }
  }

  private record IdempotentAppend(long offset, long at) {}
}
