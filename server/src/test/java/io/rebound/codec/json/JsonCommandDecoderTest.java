package io.rebound.codec.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.codec.BadFrameException;
import io.rebound.codec.ClientCommand;
import io.rebound.codec.Request;
import io.rebound.core.StreamPosition;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** JSON client frames into the neutral command model: framing, raw {@code data}, every method's fields, and what is malformed. */
class JsonCommandDecoderTest {

  private static final JsonCodec JSON = JsonCodec.INSTANCE;

  private static ClientCommand one(String line) {
    List<ClientCommand> commands = JSON.decode(line);
    assertThat(commands).hasSize(1);
    return commands.get(0);
  }

  private static String data(String line) {
    Request r = one(line).request();
    return r instanceof Request.Publish p && p.data() != null ? p.data().text() : null;
  }

  @Test
  void batchedFrameSplitsOnNewlines() {
    List<ClientCommand> cmds = JSON.decode(
        "{\"connect\":{\"token\":\"t\",\"name\":\"js\"},\"id\":1}\n{\"subscribe\":{\"channel\":\"a\",\"flag\":1},\"id\":2}\n");
    assertThat(cmds).hasSize(2);
    assertThat(cmds.get(0).id()).isEqualTo(1);
    Request.Connect connect = (Request.Connect) cmds.get(0).request();
    assertThat(connect.token()).isEqualTo("t");
    assertThat(connect.name()).isEqualTo("js");
    assertThat(cmds.get(1).id()).isEqualTo(2);
    assertThat(((Request.Subscribe) cmds.get(1).request()).channel()).isEqualTo("a");
  }

  @Test
  void blankLinesAreSkipped() {
    List<ClientCommand> cmds = JSON.decode("\n\n   \n{\"id\":3,\"ping\":{}}\n\r\n\n");
    assertThat(cmds).hasSize(1);
    assertThat(cmds.get(0).request()).isInstanceOf(Request.Ping.class);
    assertThat(JSON.decode("")).isEmpty();
    assertThat(JSON.decode("\n")).isEmpty();
  }

  @Test
  void aBinaryFrameIsReadAsUtf8Text() {
    List<ClientCommand> cmds = JSON.decode(Buffer.buffer("{\"id\":1,\"publish\":{\"channel\":\"ż\",\"data\":\"ż\"}}"));
    Request.Publish p = (Request.Publish) cmds.get(0).request();
    assertThat(p.channel()).isEqualTo("ż");
    assertThat(p.data().text()).isEqualTo("\"ż\"");
  }

  @Test
  void dataIsKeptByteExact() {
    String data = "{\"n\":1.10,\"e\":1E+2,\"s\":\"caf\\u00e9 \\\"q\\\" \\n\",\"o\":{\"a\":[1,{\"b\":null},[]],\"t\":true}}";
    Request.Publish p = (Request.Publish) one("{\"id\":1,\"publish\":{\"channel\":\"c\",\"data\":" + data + ",\"x\":1}}").request();
    assertThat(p.data().text()).isEqualTo(data);
    assertThat(p.channel()).isEqualTo("c");
  }

  @Test
  void scalarAndSpacedDataAreKeptByteExact() {
    assertThat(data("{\"id\":1,\"publish\":{\"data\":1.10,\"channel\":\"c\"}}")).isEqualTo("1.10");
    assertThat(data("{\"id\":1,\"publish\":{\"data\":\"a\\u0041\\\"\"}}")).isEqualTo("\"a\\u0041\\\"\"");
    assertThat(data("{\"id\":1,\"publish\":{\"data\" :  { \"a\" : [ 1 , 2 ] } }}")).isEqualTo("{ \"a\" : [ 1 , 2 ] }");
    assertThat(data("{\"id\":1,\"publish\":{\"data\":[\"\\u2603\",-0.0]}}")).isEqualTo("[\"\\u2603\",-0.0]");
    assertThat(data("{\"id\":1,\"publish\":{\"data\":null}}")).isNull();
    assertThat(data("{\"id\":1,\"publish\":{\"channel\":\"c\"}}")).isNull();
  }

  @Test
  void nonAsciiTextSurvives() {
    String data = "{\"t\":\"żółw \uD83D\uDC22\"}";
    assertThat(data("{\"id\":1,\"publish\":{\"data\":" + data + "}}")).isEqualTo(data);
  }

  @Test
  void pongUnknownRequestsAndUnknownFields() {
    ClientCommand pong = one("{}");
    assertThat(pong.isPong()).isTrue();
    ClientCommand unknown = one("{\"id\":4,\"frobnicate\":{\"a\":1}}");
    assertThat(unknown.request()).isNull();
    assertThat(unknown.id()).isEqualTo(4);
    assertThat(unknown.isPong()).isFalse();
    assertThat(one("{\"id\":5,\"ping\":{},\"future_field\":[1,2,{}]}").request()).isInstanceOf(Request.Ping.class);
    assertThat(one("{\"id\":6,\"presence\":null}").request()).isEqualTo(new Request.Presence(null));
  }

  @Test
  void connectWithEveryExtension() {
    Request.Connect c = (Request.Connect) one("{\"id\":1,\"connect\":{\"token\":\"t\",\"data\":{\"d\":1},\"sync\":false,"
        + "\"discontinuity\":true,\"resume_window\":3000,\"resume\":{\"session\":\"s\",\"received\":7},"
        + "\"subs\":{\"a\":{\"recover\":true,\"offset\":4,\"epoch\":\"e\"},\"b\":{}}}}").request();
    assertThat(c.data()).isEqualTo("{\"d\":1}");
    assertThat(c.sync()).isFalse();
    assertThat(c.discontinuity()).isTrue();
    assertThat(c.resumeWindow()).isEqualTo(3000);
    assertThat(c.resume()).isEqualTo(new Request.Resume("s", 7));
    assertThat(c.subs()).containsEntry("a", new Request.SubPosition(true, 4, "e")).containsEntry("b", new Request.SubPosition(false, 0, ""));
  }

  @Test
  void connectDefaults() {
    Request.Connect c = (Request.Connect) one("{\"id\":1,\"connect\":{}}").request();
    assertThat(c.token()).isNull();
    assertThat(c.sync()).isTrue();
    assertThat(c.discontinuity()).isFalse();
    assertThat(c.resume()).isNull();
    assertThat(c.subs()).isEmpty();
    assertThat(((Request.Connect) one("{\"id\":1,\"connect\":{\"resume\":5}}").request()).resume()).isEqualTo(new Request.Resume(null, -1));
  }

  @Test
  void subscribeAndHistoryFields() {
    Request.Subscribe s = (Request.Subscribe) one("{\"id\":2,\"subscribe\":{\"channel\":\"c\",\"token\":\"t\",\"recover\":true,"
        + "\"offset\":9,\"epoch\":\"e\",\"recoverable\":true,\"positioned\":\"true\",\"join_leave\":1}}").request();
    assertThat(s).isEqualTo(new Request.Subscribe("c", "t", true, 9, "e", true, true, true, null));
    Request.History h = (Request.History) one("{\"id\":3,\"history\":{\"channel\":\"c\",\"limit\":4,"
        + "\"since\":{\"offset\":41,\"epoch\":\"e\"},\"reverse\":true,\"until_attach\":true}}").request();
    assertThat(h).isEqualTo(new Request.History("c", 4, new StreamPosition(41, "e"), null, true, true));
    assertThat(((Request.History) one("{\"id\":3,\"history\":{\"since\":5}}").request()).invalidSince()).isEqualTo("since must be an object");
    assertThat(((Request.History) one("{\"id\":3,\"history\":{\"since\":{\"offset\":-1}}}").request()).invalidSince()).isEqualTo("negative offset");
    assertThat(((Request.History) one("{\"id\":3,\"history\":{\"since\":null}}").request()).since()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{", "[]", "\"connect\"", "null", "{\"id\":1,\"connect\":{}", "{\"id\":1,\"connect\":{}} {}",
      "{\"id\":\"1\",\"connect\":{}}", "{\"id\":-1,\"connect\":{}}", "{\"id\":1.5,\"connect\":{}}",
      "{\"id\":1,\"connect\":5}", "{\"id\":1,\"connect\":[]}", "{\"id\":1,\"publish\":{\"data\":{\"a\":}}}",
      "{\"id\":1,\"connect\":{},\"subscribe\":{\"channel\":\"a\"}}", "{\"id\":1,\"ping\":{},\"ping\":{}}"})
  void malformedCommandsAreRejected(String line) {
    assertThatThrownBy(() -> JSON.decode(line)).isInstanceOf(BadFrameException.class);
  }

  @Test
  void oneMalformedLineRejectsTheFrame() {
    assertThatThrownBy(() -> JSON.decode("{\"id\":1,\"ping\":{}}\n{oops}")).isInstanceOf(BadFrameException.class);
  }
}
