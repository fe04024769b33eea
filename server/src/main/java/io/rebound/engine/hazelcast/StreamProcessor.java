package io.rebound.engine.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.rebound.core.Epochs;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Base of the entry processors that run on a channel's partition owner. Hazelcast runs one processor
 * per key at a time on the key's partition thread, which is what makes every operation on a stream
 * atomic.
 *
 * <p><b>Deterministic backups.</b> The owner fixes the two non-deterministic inputs, the clock
 * ({@link #now}) and the epoch a new stream would get ({@link #freshEpoch}), before it applies the
 * change; {@link #getBackupProcessor()} is called by Hazelcast after {@link #process} and ships this
 * same processor, with both values filled in, to the backup replica. Replayed on the backup's identical
 * copy it produces the identical stream, so a promoted backup has the owner's epoch and offsets. A
 * processor that changed nothing ships no backup at all.
 *
 * <p>Expiry is decided by the engine's own times stored in {@link StoredStream}, checked against
 * {@code now}. The Hazelcast entry TTL is set {@link #ENTRY_TTL_GRACE_MS} later and only frees memory,
 * so owner and backup never disagree about whether a stream has expired.
 */
abstract class StreamProcessor<R> implements EntryProcessor<String, StoredStream, R>, IdentifiedDataSerializable {

  /** Extra time Hazelcast keeps an entry after the engine considers its position expired. */
  static final long ENTRY_TTL_GRACE_MS = 60_000;

  private static final long UNSET = -1;

  /** The owner's clock when it ran this processor; {@link #UNSET} until then. */
  private long now = UNSET;
  /** The epoch a stream created by this processor gets; chosen on the owner, null until needed. */
  private String freshEpoch;
  /** Whether the owner changed the entry (so a backup is needed). Never serialised. */
  private transient boolean changed;

  @Override
  public final R process(Map.Entry<String, StoredStream> entry) {
    if (now == UNSET) now = System.currentTimeMillis();
    return apply(entry, now);
  }

  /** The operation itself; {@code now} is the same on owner and backup. */
  protected abstract R apply(Map.Entry<String, StoredStream> entry, long now);

  @Override
  public final EntryProcessor<String, StoredStream, R> getBackupProcessor() {
    return changed ? this : null;
  }

  /**
   * The entry's stream if its position has not expired, with expired publications already dropped (and
   * that drop stored); null for an unknown or expired stream.
   */
  protected final StoredStream live(Map.Entry<String, StoredStream> entry, long now) {
    StoredStream stream = entry.getValue();
    if (stream == null) return null;
    if (stream.metaExpired(now)) {
      // Remove eagerly rather than wait for the entry TTL: the next append must not see the old epoch.
      entry.setValue(null);
      changed = true;
      return null;
    }
    if (stream.expirePublications(now)) store(entry, stream, now);
    return stream;
  }

  /** The live stream, or a new empty one with a fresh epoch (not yet stored). */
  protected final StoredStream liveOrFresh(Map.Entry<String, StoredStream> entry, long now) {
    StoredStream stream = live(entry, now);
    return stream != null ? stream : fresh();
  }

  /** A new empty stream (not yet stored) whose epoch the owner chose once for this processor. */
  protected final StoredStream fresh() {
    if (freshEpoch == null) freshEpoch = Epochs.next();
    return StoredStream.fresh(freshEpoch);
  }

  /** Stores {@code stream} with an entry TTL that outlives its position by the grace period. */
  protected final void store(Map.Entry<String, StoredStream> entry, StoredStream stream, long now) {
    long ttl = stream.entryTtlMs(now, ENTRY_TTL_GRACE_MS);
    @SuppressWarnings("unchecked")
    ExtendedMapEntry<String, StoredStream> extended = (ExtendedMapEntry<String, StoredStream>) entry;
    extended.setValue(stream, ttl, TimeUnit.MILLISECONDS);
    changed = true;
  }

  @Override
  public int getFactoryId() {
    return EngineSerializerFactory.FACTORY_ID;
  }

  @Override
  public final void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(now);
    out.writeString(freshEpoch);
    writeFields(out);
  }

  @Override
  public final void readData(ObjectDataInput in) throws IOException {
    now = in.readLong();
    freshEpoch = in.readString();
    readFields(in);
  }

  /** The subclass's own fields. */
  protected abstract void writeFields(ObjectDataOutput out) throws IOException;

  protected abstract void readFields(ObjectDataInput in) throws IOException;
}
