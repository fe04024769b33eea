package io.rebound.loadtest.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** FanoutBenchmark's options: lists, defaults, the credential rule, the WebSocket target of a URL. */
class BenchOptionsTest {

  @Test
  void parsesListsAndDefaults() {
    BenchOptions o = BenchOptions.parse(new String[] {"--url", "ws://a:1/connection/websocket,ws://b:2/connection/websocket",
        "--api", "http://a:1/api/,http://b:2/api", "--secret", "s", "--runs", "3", "--json", "--strict"});
    assertThat(o.urls()).hasSize(2);
    assertThat(o.apis()).containsExactly("http://a:1/api", "http://b:2/api");
    assertThat(o.subscribers()).isEqualTo(BenchOptions.DEFAULT_SUBSCRIBERS);
    assertThat(o.runs()).isEqualTo(3);
    assertThat(o.json()).isTrue();
    assertThat(o.strict()).isTrue();
  }

  @Test
  void needsACredential() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[0])).hasMessageContaining("--token");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--token", "t", "--print-token", "u"}))
        .hasMessageContaining("--secret");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--token", "t", "--inflight", "0"}))
        .hasMessageContaining("--inflight");
  }

  @Test
  void webSocketTargetFromUrl() {
    var t = SubscriberShard.target("ws://127.0.0.1:8000/connection/websocket?cf_protocol=json");
    assertThat(t.getHost()).isEqualTo("127.0.0.1");
    assertThat(t.getPort()).isEqualTo(8000);
    assertThat(t.getURI()).isEqualTo("/connection/websocket?cf_protocol=json");
  }
}
