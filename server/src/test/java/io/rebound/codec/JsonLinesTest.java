package io.rebound.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonLinesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void jsonWithoutLineBreaksIsTheSameInstance() {
    String compact = "{\"a\": [1, 2], \"b\": \"x\"}";
    assertThat(JsonLines.oneLine(compact)).isSameAs(compact);
  }

  @Test
  void prettyPrintedJsonLosesItsLineBreaksAndKeepsItsValue() throws Exception {
    String pretty = "{\r\n  \"text\" : \"hello\\nworld\",\n  \"list\" : [\n    1,\n    2\n  ],\n  \"q\" : \"a \\\"quoted\\\"\\\\\"\n}\n";
    String one = JsonLines.oneLine(pretty);
    assertThat(one).doesNotContain("\n", "\r");
    assertThat(one).isEqualTo("{  \"text\" : \"hello\\nworld\",  \"list\" : [    1,    2  ],  \"q\" : \"a \\\"quoted\\\"\\\\\"}");
    assertThat(JSON.readTree(one)).isEqualTo(JSON.readTree(pretty));
  }

  @Test
  void escapesInsideStringsAreNotMistakenForTheirEnd() throws Exception {
    // a string ending in an escaped backslash, then a line break that is outside the string
    String json = "[\"\\\\\",\n\"\\\"\\n\"\r]";
    assertThat(JsonLines.oneLine(json)).isEqualTo("[\"\\\\\",\"\\\"\\n\"]");
    assertThat(JSON.readTree(JsonLines.oneLine(json))).isEqualTo(JSON.readTree(json));
  }
}
