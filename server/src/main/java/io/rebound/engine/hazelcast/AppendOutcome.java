package io.rebound.engine.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.rebound.core.AppendResult;
import io.rebound.core.StreamPosition;
import java.io.IOException;

/** What {@link AppendProcessor} sends back from the partition owner: the offset given, the epoch, duplicate or not. */
public final class AppendOutcome implements IdentifiedDataSerializable {

  private long offset;
  private String epoch;
  private boolean duplicate;

  /** For deserialisation only. */
  public AppendOutcome() {}

  AppendOutcome(long offset, String epoch, boolean duplicate) {
    this.offset = offset;
    this.epoch = epoch;
    this.duplicate = duplicate;
  }

  /** The engine-neutral result. */
  public AppendResult toResult() {
    return new AppendResult(new StreamPosition(offset, epoch), duplicate);
  }

  @Override
  public int getFactoryId() {
    return EngineSerializerFactory.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return EngineSerializerFactory.APPEND_OUTCOME;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(offset);
    out.writeString(epoch);
    out.writeBoolean(duplicate);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    offset = in.readLong();
    epoch = in.readString();
    duplicate = in.readBoolean();
  }
}
