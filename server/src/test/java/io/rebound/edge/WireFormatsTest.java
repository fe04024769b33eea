package io.rebound.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.codec.json.JsonCodec;
import io.rebound.codec.protobuf.ProtobufCodec;
import org.junit.jupiter.api.Test;

class WireFormatsTest {

  @Test
  void subprotocolDecidesFirst() {
    assertThat(WireFormats.choose("centrifuge-protobuf", null).codec()).isSameAs(ProtobufCodec.INSTANCE);
    assertThat(WireFormats.choose("centrifuge-json", "format=protobuf").codec()).as("the echoed subprotocol wins").isSameAs(JsonCodec.INSTANCE);
    assertThat(WireFormats.choose("mqtt, centrifuge-protobuf", null).codec()).as("the first the node serves").isSameAs(ProtobufCodec.INSTANCE);
    assertThat(WireFormats.choose("centrifuge-json,centrifuge-protobuf", null).codec()).isSameAs(JsonCodec.INSTANCE);
  }

  @Test
  void queryDecidesWithoutSubprotocol() {
    assertThat(WireFormats.choose(null, null).codec()).isSameAs(JsonCodec.INSTANCE);
    assertThat(WireFormats.choose("", "a=1").codec()).isSameAs(JsonCodec.INSTANCE);
    assertThat(WireFormats.choose(null, "format=protobuf").codec()).isSameAs(ProtobufCodec.INSTANCE);
    assertThat(WireFormats.choose(null, "x=1&cf_protocol=protobuf").codec()).isSameAs(ProtobufCodec.INSTANCE);
    assertThat(WireFormats.choose(null, "format=json").codec()).isSameAs(JsonCodec.INSTANCE);
    assertThat(WireFormats.choose(null, "format=").codec()).isSameAs(JsonCodec.INSTANCE);
  }

  @Test
  void formatsTheNodeDoesNotServeAreRefused() {
    WireFormats.Choice sub = WireFormats.choose("centrifuge-msgpack", null);
    assertThat(sub.codec()).isNull();
    assertThat(sub.refusal()).contains("centrifuge-msgpack");
    WireFormats.Choice query = WireFormats.choose(null, "format=xml");
    assertThat(query.codec()).isNull();
    assertThat(query.refusal()).contains("xml");
    assertThat(WireFormats.choose(null, "cf_protocol=msgpack").codec()).isNull();
  }
}
