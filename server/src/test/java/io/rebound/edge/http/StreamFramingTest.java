package io.rebound.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** How frames go onto a streaming response, and how the requests of the HTTP transports are read. */
class StreamFramingTest {

  @Test
  void eventsCarryEveryMessageOfAJoinedFrameAsAnEventOfItsOwn() {
    Buffer joined = Buffer.buffer("{\"id\":1}\n{\"push\":{}}");
    assertThat(StreamFraming.EVENTS.frame(joined).toString()).isEqualTo("data: {\"id\":1}\n\ndata: {\"push\":{}}\n\n");
    assertThat(StreamFraming.EVENTS.frame(Buffer.buffer("{}")).toString()).isEqualTo("data: {}\n\n");
  }

  @Test
  void linesEndEveryFrameWithALineBreakAndDelimitedLeavesBytesAlone() {
    assertThat(StreamFraming.LINES.frame(Buffer.buffer("{\"id\":1}\n{\"id\":2}")).toString()).isEqualTo("{\"id\":1}\n{\"id\":2}\n");
    Buffer binary = Buffer.buffer(new byte[] {2, 8, 1});
    assertThat(StreamFraming.DELIMITED.frame(binary)).isSameAs(binary);
  }

  @Test
  void aJsonEmulationRequestNamesNodeSessionAndATextFrame() {
    EmulationRequest r = EmulationRequest.parse(Buffer.buffer("{\"session\":\"s1\",\"node\":\"n1\",\"data\":\"{\\\"id\\\":2}\"}"), false);
    assertThat(r).isEqualTo(new EmulationRequest("n1", "s1", "{\"id\":2}"));
    assertThat(r.dataBytes()).isEqualTo(8);
    assertThat(EmulationRequest.parse(Buffer.buffer("{\"session\":\"s1\",\"data\":{\"id\":2}}"), false)).as("data must be a string").isNull();
    assertThat(EmulationRequest.parse(Buffer.buffer("{\"node\":\"n1\",\"data\":\"x\"}"), false)).as("no session").isNull();
    assertThat(EmulationRequest.parse(Buffer.buffer("{\"session\":\"s\",\"data\":\"x\"} trailing"), false)).isNull();
  }

  @Test
  void aProtobufEmulationRequestCarriesABinaryFrame() {
    // field 1 node "n", field 2 session "s", field 3 data [7, 8]
    Buffer body = Buffer.buffer(new byte[] {0x0a, 1, 'n', 0x12, 1, 's', 0x1a, 2, 7, 8});
    EmulationRequest r = EmulationRequest.parse(body, true);
    assertThat(r.node()).isEqualTo("n");
    assertThat(r.session()).isEqualTo("s");
    assertThat(((Buffer) r.data()).getBytes()).containsExactly(7, 8);
    assertThat(EmulationRequest.parse(Buffer.buffer(new byte[] {0x12, 5, 's'}), true)).as("truncated").isNull();
    // field 9 (varint 1) unknown, then session "s" and data [7]: skipped as protobuf skips it
    EmulationRequest unknown = EmulationRequest.parse(Buffer.buffer(new byte[] {0x48, 1, 0x12, 1, 's', 0x1a, 1, 7}), true);
    assertThat(unknown.session()).isEqualTo("s");
    assertThat(((Buffer) unknown.data()).getBytes()).containsExactly(7);
    assertThat(EmulationRequest.parse(Buffer.buffer(new byte[] {0x10, 1, 0x1a, 1, 7}), true)).as("session as a varint").isNull();
    assertThat(EmulationRequest.parse(Buffer.buffer(new byte[] {0x1a, 1, 7}), true)).as("no session").isNull();
  }

  @Test
  void aUnidirectionalConnectRequestBecomesOneConnectCommandOnOneLine() {
    assertThat(UniConnect.command("{\n  \"token\": \"t\"\n}")).doesNotContain("\n").startsWith("{\"id\":1,\"connect\":{").endsWith("}}")
        .contains("\"token\": \"t\"");
    assertThat(UniConnect.command("")).isEqualTo("{\"id\":1,\"connect\":{}}");
    assertThat(UniConnect.command("null")).isEqualTo("{\"id\":1,\"connect\":{}}");
    assertThat(UniConnect.command("[1]")).isNull();
    assertThat(UniConnect.command("{} {}")).isNull();
  }
}
