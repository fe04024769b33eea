package io.rebound.engine.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.rebound.core.StreamPosition;
import java.io.IOException;

/** One user's acknowledged position in one channel, as stored in the {@value HazelcastSyncPositions#MAP_NAME} IMap. */
public final class StoredSyncPosition implements IdentifiedDataSerializable {

  private long offset;
  private String epoch;

  /** For deserialisation only. */
  public StoredSyncPosition() {}

  StoredSyncPosition(long offset, String epoch) {
    this.offset = offset;
    this.epoch = epoch;
  }

  long offset() {
    return offset;
  }

  String epoch() {
    return epoch;
  }

  StreamPosition toPosition() {
    return new StreamPosition(offset, epoch);
  }

  @Override
  public int getFactoryId() {
    return EngineSerializerFactory.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return EngineSerializerFactory.SYNC_POSITION;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(offset);
    out.writeString(epoch);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    offset = in.readLong();
    epoch = in.readString();
  }
}
