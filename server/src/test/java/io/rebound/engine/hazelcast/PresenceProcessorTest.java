package io.rebound.engine.hazelcast;

import static io.rebound.engine.hazelcast.WireRoundTrip.bytes;
import static io.rebound.engine.hazelcast.WireRoundTrip.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.core.ClientInfo;
import io.rebound.engine.ClientInfoCodec;
import org.junit.jupiter.api.Test;

/**
 * The presence processor without a cluster: it travels through the registered factory (no Java
 * serialisation), and replayed on the backup's copy it leaves the same members there.
 */
class PresenceProcessorTest {

  private final FakeMapEntry<String, StoredPresence> owner = new FakeMapEntry<>("news");
  private final FakeMapEntry<String, StoredPresence> backup = new FakeMapEntry<>("news");

  private void run(PresenceProcessor processor) {
    PresenceProcessor onOwner = roundTrip(processor);
    onOwner.process(owner);
    roundTrip(onOwner.getBackupProcessor()).process(backup);
    assertThat(bytes(backup.value)).isEqualTo(bytes(owner.value));
  }

  private static PresenceProcessor add(String client, String member) {
    return PresenceProcessor.add(client, member, ClientInfoCodec.encode(new ClientInfo("u-" + client, client, null, "{\"m\":\"" + member + "\"}")));
  }

  @Test
  void addRemoveAndPurgeKeepOwnerAndBackupEqual() {
    run(add("c1", "member-a"));
    run(add("c2", "member-b"));
    run(add("c3", "member-b"));
    run(add("c1", "member-a")); // again: still one entry
    assertThat(roundTrip(owner.value).decode()).containsOnlyKeys("c1", "c2", "c3");
    run(PresenceProcessor.purgeMember("member-b"));
    assertThat(owner.value.decode()).containsOnlyKeys("c1");
    assertThat(owner.value.decode().get("c1").chanInfo()).isEqualTo("{\"m\":\"member-a\"}");
    run(PresenceProcessor.remove("unknown"));
    run(PresenceProcessor.remove("c1"));
    assertThat(owner.value).isNull(); // an empty channel is deleted
    assertThat(backup.value).isNull();
  }

  @Test
  void removeAndPurgeOfAnUnknownChannelCreateNothing() {
    run(PresenceProcessor.remove("c1"));
    run(PresenceProcessor.purgeMember("member-a"));
    assertThat(owner.value).isNull();
  }
}
