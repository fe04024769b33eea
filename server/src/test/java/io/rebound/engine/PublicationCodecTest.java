package io.rebound.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.core.ClientInfo;
import io.rebound.core.Payload;
import io.rebound.core.Publication;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublicationCodecTest {

  @Test
  void binaryAndJsonPayloadsRoundTripWithTheirFlag() {
    Publication binary = new Publication(0, Payload.of(new byte[] {0, (byte) 0xFF, '\n'}, false),
        new ClientInfo("u", "c", "{\"a\":1}", null), Map.of("k", "v"));
    Publication json = Publication.of("{\"n\":1}");

    Publication b = PublicationCodec.decode(PublicationCodec.encode(binary), 7);
    Publication j = PublicationCodec.decode(PublicationCodec.encode(json), 8);

    assertThat(b).isEqualTo(binary.withOffset(7));
    assertThat(b.data().json()).isFalse();
    assertThat(j).isEqualTo(json.withOffset(8));
    assertThat(j.data().json()).isTrue();
  }

  /** Streams written before payloads became bytes (version 1: the data as JSON text) stay readable. */
  @Test
  void versionOneRecordsAreStillRead() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    byte[] data = "{\"n\":\"é\"}".getBytes(StandardCharsets.UTF_8);
    byte[] user = "alice".getBytes(StandardCharsets.UTF_8);
    byte[] client = "c1".getBytes(StandardCharsets.UTF_8);
    out.writeByte(1);   // version 1
    out.writeByte(1);   // HAS_INFO
    out.writeInt(data.length);
    out.write(data);
    out.writeInt(user.length);
    out.write(user);
    out.writeInt(client.length);
    out.write(client);

    Publication p = PublicationCodec.decode(bytes.toByteArray(), 3);

    assertThat(p.offset()).isEqualTo(3);
    assertThat(p.data()).isEqualTo(Payload.json("{\"n\":\"é\"}"));
    assertThat(p.info()).isEqualTo(new ClientInfo("alice", "c1", null, null));
  }
}
