package io.rebound.engine.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.engine.PublicationCodec;
import io.rebound.core.StreamPosition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link ReadProcessor} sends back from the partition owner: only the selected publications
 * (still in storage form) and the top taken in the same atomic step.
 */
public final class ReadOutcome implements IdentifiedDataSerializable {

  private String epoch;
  private long top;
  private long[] offsets;
  private List<byte[]> publications;

  /** For deserialisation only. */
  public ReadOutcome() {}

  ReadOutcome(String epoch, long top, long[] offsets, List<byte[]> publications) {
    this.epoch = epoch;
    this.top = top;
    this.offsets = offsets;
    this.publications = publications;
  }

  /** Decodes the publications; done by the caller, off the partition thread. */
  public HistoryResult toResult() {
    List<Publication> pubs = new ArrayList<>(publications.size());
    for (int i = 0; i < publications.size(); i++) pubs.add(PublicationCodec.decode(publications.get(i), offsets[i]));
    return new HistoryResult(pubs, new StreamPosition(top, epoch));
  }

  @Override
  public int getFactoryId() {
    return EngineSerializerFactory.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return EngineSerializerFactory.READ_OUTCOME;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(epoch);
    out.writeLong(top);
    out.writeLongArray(offsets);
    out.writeInt(publications.size());
    for (byte[] pub : publications) out.writeByteArray(pub);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    epoch = in.readString();
    top = in.readLong();
    offsets = in.readLongArray();
    int n = in.readInt();
    publications = new ArrayList<>(n);
    for (int i = 0; i < n; i++) publications.add(in.readByteArray());
  }
}
