package io.rebound.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandDecoderTest {

  @Test
  void batchedFrameSplitsOnNewlines() {
    List<Command> cmds = CommandDecoder.decodeFrame(
        "{\"connect\":{\"token\":\"t\",\"name\":\"js\"},\"id\":1}\n{\"subscribe\":{\"channel\":\"a\",\"flag\":1},\"id\":2}\n");
    assertThat(cmds).hasSize(2);
    assertThat(cmds.get(0).method()).isEqualTo("connect");
    assertThat(cmds.get(0).id()).isEqualTo(1);
    assertThat(cmds.get(0).text("token")).isEqualTo("t");
    assertThat(cmds.get(1).method()).isEqualTo("subscribe");
    assertThat(cmds.get(1).id()).isEqualTo(2);
    assertThat(cmds.get(1).text("channel")).isEqualTo("a");
  }

  @Test
  void blankLinesAreSkipped() {
    List<Command> cmds = CommandDecoder.decodeFrame("\n\n   \n{\"id\":3,\"ping\":{}}\n\r\n\n");
    assertThat(cmds).hasSize(1);
    assertThat(cmds.get(0).method()).isEqualTo("ping");
    assertThat(CommandDecoder.decodeFrame("")).isEmpty();
    assertThat(CommandDecoder.decodeFrame("\n")).isEmpty();
  }

  @Test
  void dataIsKeptByteExact() {
    String data = "{\"n\":1.10,\"e\":1E+2,\"s\":\"caf\\u00e9 \\\"q\\\" \\n\",\"o\":{\"a\":[1,{\"b\":null},[]],\"t\":true}}";
    Command c = CommandDecoder.decode("{\"id\":1,\"publish\":{\"channel\":\"c\",\"data\":" + data + ",\"x\":1}}");
    assertThat(c.rawData()).isEqualTo(data);
    assertThat(c.text("channel")).isEqualTo("c");
    assertThat(c.params().has("data")).isFalse();
  }

  @Test
  void scalarAndSpacedDataAreKeptByteExact() {
    assertThat(CommandDecoder.decode("{\"id\":1,\"publish\":{\"data\":1.10,\"channel\":\"c\"}}").rawData()).isEqualTo("1.10");
    assertThat(CommandDecoder.decode("{\"id\":1,\"publish\":{\"data\":\"a\\u0041\\\"\"}}").rawData()).isEqualTo("\"a\\u0041\\\"\"");
    assertThat(CommandDecoder.decode("{\"id\":1,\"publish\":{\"data\" :  { \"a\" : [ 1 , 2 ] } }}").rawData()).isEqualTo("{ \"a\" : [ 1 , 2 ] }");
    assertThat(CommandDecoder.decode("{\"id\":1,\"publish\":{\"data\":[\"\\u2603\",-0.0]}}").rawData()).isEqualTo("[\"\\u2603\",-0.0]");
    assertThat(CommandDecoder.decode("{\"id\":1,\"publish\":{\"data\":null}}").rawData()).isNull();
    assertThat(CommandDecoder.decode("{\"id\":1,\"publish\":{\"channel\":\"c\"}}").rawData()).isNull();
  }

  @Test
  void nonAsciiTextSurvives() {
    String data = "{\"t\":\"żółw \uD83D\uDC22\"}";
    assertThat(CommandDecoder.decode("{\"id\":1,\"publish\":{\"data\":" + data + "}}").rawData()).isEqualTo(data);
  }

  @Test
  void pongAndUnknownFields() {
    Command pong = CommandDecoder.decode("{}");
    assertThat(pong.isPong()).isTrue();
    Command unknown = CommandDecoder.decode("{\"id\":4,\"frobnicate\":{\"a\":1}}");
    assertThat(unknown.method()).isNull();
    assertThat(unknown.id()).isEqualTo(4);
    assertThat(unknown.isPong()).isFalse();
    Command extra = CommandDecoder.decode("{\"id\":5,\"ping\":{},\"future_field\":[1,2,{}]}");
    assertThat(extra.method()).isEqualTo("ping");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{", "[]", "\"connect\"", "null", "{\"id\":1,\"connect\":{}", "{\"id\":1,\"connect\":{}} {}",
      "{\"id\":\"1\",\"connect\":{}}", "{\"id\":-1,\"connect\":{}}", "{\"id\":1.5,\"connect\":{}}",
      "{\"id\":1,\"connect\":5}", "{\"id\":1,\"connect\":[]}", "{\"id\":1,\"publish\":{\"data\":{\"a\":}}}",
      "{\"id\":1,\"connect\":{},\"subscribe\":{\"channel\":\"a\"}}", "{\"id\":1,\"ping\":{},\"ping\":{}}"})
  void malformedCommandsAreRejected(String line) {
    assertThatThrownBy(() -> CommandDecoder.decode(line)).isInstanceOf(CommandDecoder.MalformedCommandException.class);
  }

  @Test
  void oneMalformedLineRejectsTheFrame() {
    assertThatThrownBy(() -> CommandDecoder.decodeFrame("{\"id\":1,\"ping\":{}}\n{oops}"))
        .isInstanceOf(CommandDecoder.MalformedCommandException.class);
  }

  @Test
  void apiParamsKeepDataByteExact() {
    CommandDecoder.Params p = CommandDecoder.decodeParams("{\"channel\":\"c\",\"data\":{\"v\":1.10}}");
    assertThat(p.rawData()).isEqualTo("{\"v\":1.10}");
    assertThat(p.params().path("channel").asText()).isEqualTo("c");
    assertThatThrownBy(() -> CommandDecoder.decodeParams("{\"channel\":")).isInstanceOf(CommandDecoder.MalformedCommandException.class);
    assertThatThrownBy(() -> CommandDecoder.decodeParams("[1]")).isInstanceOf(CommandDecoder.MalformedCommandException.class);
  }
}
