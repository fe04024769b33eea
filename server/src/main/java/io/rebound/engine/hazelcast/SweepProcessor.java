package io.rebound.engine.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.util.Map;

/**
 * Frees what has expired in a stream nobody touches: the whole entry once its position expired,
 * otherwise its publications once their TTL passed. Without it a quiet channel whose position outlives
 * its publications ({@code metaTtl > ttl}) would hold their bytes until the entry TTL.
 */
public final class SweepProcessor extends StreamProcessor<Boolean> {

  /** Also the deserialisation constructor: the processor has no fields of its own. */
  public SweepProcessor() {}

  @Override
  protected Boolean apply(Map.Entry<String, StoredStream> entry, long now) {
    return live(entry, now) != null;
  }

  @Override
  public int getClassId() {
    return EngineSerializerFactory.SWEEP_PROCESSOR;
  }

  @Override
  protected void writeFields(ObjectDataOutput out) {}

  @Override
  protected void readFields(ObjectDataInput in) {}
}
