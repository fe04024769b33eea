package io.rebound.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** An operator learns once per kind why clients are refused; a client retrying with backoff does not flood the log. */
class RefusalsTest {

  @Test
  void theFirstRefusalOfEachKindIsLoggedAtInfoTheRestAtDebug() {
    Refusals refusals = new Refusals();
    assertThat(refusals.refused("/connection/websocket", 404, "websocket is disabled", "a")).isTrue();
    assertThat(refusals.refused("/connection/websocket", 404, "websocket is disabled", "b")).as("same kind, another client").isFalse();
    assertThat(refusals.refused("/connection/sse", 404, "sse is disabled", "a")).as("another kind").isTrue();
    assertThat(refusals.refused("/connection/http_stream", 415, "format protobuf is not served", "a")).isTrue();
    assertThat(refusals.refused("/connection/http_stream", 415, "format protobuf is not served", "a")).isFalse();
  }
}
