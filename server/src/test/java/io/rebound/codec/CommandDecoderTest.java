package io.rebound.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The server API's bodies: one JSON object whose {@code data} is kept byte for byte. */
class CommandDecoderTest {

  @Test
  void apiParamsKeepDataByteExact() {
    CommandDecoder.Params p = CommandDecoder.decodeParams("{\"channel\":\"c\",\"data\":{\"v\":1.10}}");
    assertThat(p.rawData()).isEqualTo("{\"v\":1.10}");
    assertThat(p.params().path("channel").asText()).isEqualTo("c");
    assertThat(p.params().has("data")).isFalse();
    assertThatThrownBy(() -> CommandDecoder.decodeParams("{\"channel\":")).isInstanceOf(CommandDecoder.MalformedCommandException.class);
    assertThatThrownBy(() -> CommandDecoder.decodeParams("[1]")).isInstanceOf(CommandDecoder.MalformedCommandException.class);
    assertThatThrownBy(() -> CommandDecoder.decodeParams("{} {}")).isInstanceOf(CommandDecoder.MalformedCommandException.class);
  }
}
