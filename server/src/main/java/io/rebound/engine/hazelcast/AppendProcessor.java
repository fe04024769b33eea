package io.rebound.engine.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.Map;

/**
 * Appends one publication on the partition owner: creates the stream if it is unknown or expired,
 * assigns the next offset, trims to the size, resets the TTLs and honours the idempotency key, all in
 * one atomic step.
 */
public final class AppendProcessor extends StreamProcessor<AppendOutcome> {

  private byte[] publication;
  private int size;
  private long ttlMs;
  private long metaTtlMs;
  private String idempotencyKey;

  /** For deserialisation only. */
  public AppendProcessor() {}

  AppendProcessor(byte[] publication, int size, long ttlMs, long metaTtlMs, String idempotencyKey) {
    this.publication = publication;
    this.size = size;
    this.ttlMs = ttlMs;
    this.metaTtlMs = metaTtlMs;
    this.idempotencyKey = idempotencyKey;
  }

  @Override
  protected AppendOutcome apply(Map.Entry<String, StoredStream> entry, long now) {
    StoredStream stream = liveOrFresh(entry, now);
    AppendOutcome outcome = stream.append(publication, size, ttlMs, metaTtlMs, idempotencyKey, now);
    // A duplicate changes nothing but may have forgotten old keys; storing keeps owner and backup equal.
    store(entry, stream, now);
    return outcome;
  }

  @Override
  public int getClassId() {
    return EngineSerializerFactory.APPEND_PROCESSOR;
  }

  @Override
  protected void writeFields(ObjectDataOutput out) throws IOException {
    out.writeByteArray(publication);
    out.writeInt(size);
    out.writeLong(ttlMs);
    out.writeLong(metaTtlMs);
    out.writeString(idempotencyKey);
  }

  @Override
  protected void readFields(ObjectDataInput in) throws IOException {
    publication = in.readByteArray();
    size = in.readInt();
    ttlMs = in.readLong();
    metaTtlMs = in.readLong();
    idempotencyKey = in.readString();
  }
}
