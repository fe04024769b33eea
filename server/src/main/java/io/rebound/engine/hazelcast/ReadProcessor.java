package io.rebound.engine.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.Map;

/**
 * Reads a stream on the partition owner and returns only the selected publications with the top
 * taken in the same step. An unknown or expired stream is created empty, so the epoch this read
 * reports is the one the next append keeps; reading also keeps an idle empty stream's position alive.
 */
public final class ReadProcessor extends StreamProcessor<ReadOutcome> {

  /** {@code sinceOffset} when the query has no since position. */
  static final long NO_SINCE = -1;

  private long sinceOffset;
  private int limit;
  private boolean reverse;
  private long metaTtlMs;

  /** For deserialisation only. */
  public ReadProcessor() {}

  ReadProcessor(long sinceOffset, int limit, boolean reverse, long metaTtlMs) {
    this.sinceOffset = sinceOffset;
    this.limit = limit;
    this.reverse = reverse;
    this.metaTtlMs = metaTtlMs;
  }

  @Override
  protected ReadOutcome apply(Map.Entry<String, StoredStream> entry, long now) {
    StoredStream stream = live(entry, now);
    boolean created = stream == null;
    if (created) stream = fresh();
    if (stream.touchMeta(now, metaTtlMs) || created) store(entry, stream, now);
    return stream.read(sinceOffset, limit, reverse);
  }

  @Override
  public int getClassId() {
    return EngineSerializerFactory.READ_PROCESSOR;
  }

  @Override
  protected void writeFields(ObjectDataOutput out) throws IOException {
    out.writeLong(sinceOffset);
    out.writeInt(limit);
    out.writeBoolean(reverse);
    out.writeLong(metaTtlMs);
  }

  @Override
  protected void readFields(ObjectDataInput in) throws IOException {
    sinceOffset = in.readLong();
    limit = in.readInt();
    reverse = in.readBoolean();
    metaTtlMs = in.readLong();
  }
}
