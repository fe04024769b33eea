package io.rebound.engine.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.rebound.core.ClientInfo;
import io.rebound.engine.ClientInfoCodec;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One channel's members as stored in the {@value HazelcastPresence#MAP_NAME} IMap: client id → the
 * Hazelcast member that holds the connection and the client's {@link ClientInfoCodec} bytes. The
 * member is kept so that the survivors can purge a dead member's clients.
 *
 * <p>Mutable, but only ever changed inside an entry processor on the key's owner (or its backup).
 */
public final class StoredPresence implements IdentifiedDataSerializable {

  private final Map<String, Member> clients = new LinkedHashMap<>();

  /** Who holds a client's connection and its encoded info. */
  record Member(String member, byte[] info) {}

  /** For deserialisation and the first member of a channel. */
  public StoredPresence() {}

  void put(String client, String member, byte[] info) {
    clients.put(client, new Member(member, info));
  }

  /** True when the client was a member. */
  boolean remove(String client) {
    return clients.remove(client) != null;
  }

  /** Drops every client whose connection {@code member} held; true when any was dropped. */
  boolean removeMember(String member) {
    return clients.values().removeIf(m -> m.member().equals(member));
  }

  boolean isEmpty() {
    return clients.isEmpty();
  }

  Map<String, ClientInfo> decode() {
    Map<String, ClientInfo> out = new LinkedHashMap<>();
    clients.forEach((client, m) -> out.put(client, ClientInfoCodec.decode(m.info())));
    return out;
  }

  @Override
  public int getFactoryId() {
    return EngineSerializerFactory.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return EngineSerializerFactory.STORED_PRESENCE;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(clients.size());
    for (Map.Entry<String, Member> e : clients.entrySet()) {
      out.writeString(e.getKey());
      out.writeString(e.getValue().member());
      out.writeByteArray(e.getValue().info());
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    clients.clear();
    for (int i = 0; i < n; i++) clients.put(in.readString(), new Member(in.readString(), in.readByteArray()));
  }
}
