package io.rebound.engine.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Moves one stored sync position forward on the key's partition owner, where Hazelcast runs the
 * processors of one key one at a time: concurrent advances from any member end at the max.
 *
 * <p>The outcome depends only on the stored value and this processor's fields, so the same processor
 * is replayed on the backup replica ({@link #getBackupProcessor()}) and yields the same value there.
 * The entry TTL is set per entry ({@link ExtendedMapEntry#setValue(Object, long, TimeUnit)}; 0 = none)
 * on both copies.
 */
public final class AdvanceSyncProcessor
    implements EntryProcessor<String, StoredSyncPosition, Boolean>, IdentifiedDataSerializable {

  private long offset;
  private String epoch;
  private long ttlMs;

  /** For deserialisation only. */
  public AdvanceSyncProcessor() {}

  /** @param ttlMs entry lifetime after this advance; 0 = no expiry */
  AdvanceSyncProcessor(long offset, String epoch, long ttlMs) {
    this.offset = offset;
    this.epoch = epoch;
    this.ttlMs = ttlMs;
  }

  /** Stores the new position; returns true when the given offset moved it (false: a higher one of the same epoch was kept). */
  @Override
  public Boolean process(Map.Entry<String, StoredSyncPosition> entry) {
    StoredSyncPosition stored = entry.getValue();
    boolean keep = stored != null && stored.epoch().equals(epoch) && stored.offset() > offset;
    StoredSyncPosition next = keep ? stored : new StoredSyncPosition(offset, epoch);
    // Written even when kept: the TTL runs from this advance.
    @SuppressWarnings("unchecked")
    ExtendedMapEntry<String, StoredSyncPosition> extended = (ExtendedMapEntry<String, StoredSyncPosition>) entry;
    extended.setValue(next, ttlMs, TimeUnit.MILLISECONDS);
    return !keep;
  }

  @Override
  public EntryProcessor<String, StoredSyncPosition, Boolean> getBackupProcessor() {
    return this;
  }

  @Override
  public int getFactoryId() {
    return EngineSerializerFactory.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return EngineSerializerFactory.SYNC_ADVANCE_PROCESSOR;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(offset);
    out.writeString(epoch);
    out.writeLong(ttlMs);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    offset = in.readLong();
    epoch = in.readString();
    ttlMs = in.readLong();
  }
}
