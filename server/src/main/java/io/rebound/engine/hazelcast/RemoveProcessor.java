package io.rebound.engine.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.util.Map;

/** Drops a stream's publications on the partition owner, keeping its position (offset and epoch). */
public final class RemoveProcessor extends StreamProcessor<Boolean> {

  /** Also the deserialisation constructor: the processor has no fields of its own. */
  public RemoveProcessor() {}

  @Override
  protected Boolean apply(Map.Entry<String, StoredStream> entry, long now) {
    StoredStream stream = live(entry, now);
    if (stream == null || !stream.clearPublications()) return false;
    store(entry, stream, now);
    return true;
  }

  @Override
  public int getClassId() {
    return EngineSerializerFactory.REMOVE_PROCESSOR;
  }

  @Override
  protected void writeFields(ObjectDataOutput out) {}

  @Override
  protected void readFields(ObjectDataInput in) {}
}
