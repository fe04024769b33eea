package io.rebound.engine.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * Changes one channel's {@link StoredPresence} on the key's partition owner, where Hazelcast runs the
 * processors of one key one at a time, so joins and leaves from several nodes never lose each other.
 * The outcome depends only on the stored value and these fields, so the processor itself is replayed
 * on the backup (the {@link EntryProcessor} default). A channel left empty is deleted.
 */
public final class PresenceProcessor implements EntryProcessor<String, StoredPresence, Void>, IdentifiedDataSerializable {

  private static final byte ADD = 1, REMOVE = 2, PURGE_MEMBER = 3;

  private byte op;
  private String client;
  private String member;
  private byte[] info;

  /** For deserialisation only. */
  public PresenceProcessor() {}

  private PresenceProcessor(byte op, String client, String member, byte[] info) {
    this.op = op;
    this.client = client;
    this.member = member;
    this.info = info;
  }

  /** Makes {@code client} a member, held by Hazelcast member {@code member}, with encoded {@code info}. */
  static PresenceProcessor add(String client, String member, byte[] info) {
    return new PresenceProcessor(ADD, client, member, info);
  }

  static PresenceProcessor remove(String client) {
    return new PresenceProcessor(REMOVE, client, "", new byte[0]);
  }

  /** Drops every client held by {@code member} (a member that left the cluster). */
  static PresenceProcessor purgeMember(String member) {
    return new PresenceProcessor(PURGE_MEMBER, "", member, new byte[0]);
  }

  @Override
  public Void process(Map.Entry<String, StoredPresence> entry) {
    StoredPresence stored = entry.getValue();
    switch (op) {
      case ADD -> {
        StoredPresence next = stored == null ? new StoredPresence() : stored;
        next.put(client, member, info);
        entry.setValue(next);
      }
      case REMOVE -> {
        if (stored != null && stored.remove(client)) entry.setValue(stored.isEmpty() ? null : stored);
      }
      case PURGE_MEMBER -> {
        if (stored != null && stored.removeMember(member)) entry.setValue(stored.isEmpty() ? null : stored);
      }
      default -> throw new IllegalStateException("unknown presence operation " + op);
    }
    return null;
  }

  @Override
  public int getFactoryId() {
    return EngineSerializerFactory.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return EngineSerializerFactory.PRESENCE_PROCESSOR;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByte(op);
    out.writeString(client);
    out.writeString(member);
    out.writeByteArray(info);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    op = in.readByte();
    client = in.readString();
    member = in.readString();
    info = in.readByteArray();
  }
}
