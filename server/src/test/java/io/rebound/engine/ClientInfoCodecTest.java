package io.rebound.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.core.ClientInfo;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientInfoCodecTest {

  @Test
  void everyInfoComesBackUnchangedNullsIncluded() {
    List<ClientInfo> infos = List.of(
        new ClientInfo("", "", null, null),
        new ClientInfo("alice", "c1", "{\"a\":1}", null),
        new ClientInfo("bob", "c2", null, ""),
        new ClientInfo("u\u0000\u0001:}{é😀", "c\u0000", "\"\u0000\"", "{\"x\":[1,2.50]}"));
    for (ClientInfo info : infos) assertThat(ClientInfoCodec.decode(ClientInfoCodec.encode(info))).isEqualTo(info);
  }

  @Test
  void bytesThatAreNotAnInfoAreRejected() {
    byte[] good = ClientInfoCodec.encode(new ClientInfo("alice", "c1", "{}", null));
    assertThatThrownBy(() -> ClientInfoCodec.decode(Arrays.copyOf(good, good.length - 1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClientInfoCodec.decode(Arrays.copyOf(good, good.length + 1))).isInstanceOf(IllegalArgumentException.class);
    byte[] otherVersion = good.clone();
    otherVersion[0] = 9;
    assertThatThrownBy(() -> ClientInfoCodec.decode(otherVersion)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClientInfoCodec.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
  }
}
