package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The listener's options (README, "Limits"): defaults, every key read, bad values named. */
class HttpOptionsTest {

  private static BrokerConfig parse(String extra) {
    return ConfigLoader.parse("{\"token_hmac_secret_key\":\"s\",\"api_key\":\"k\"" + (extra.isEmpty() ? "" : "," + extra) + "}");
  }

  @Test
  void defaults() {
    HttpOptions http = parse("").http();
    assertThat(http.address()).isEqualTo("0.0.0.0");
    assertThat(http.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(http.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(http.bodyTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(http.keepAliveTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(http.maxPendingConnections()).isEqualTo(1024);
    assertThat(http.allowedOrigins()).isEmpty();
  }

  @Test
  void everyOptionIsRead() {
    HttpOptions http = parse("\"address\": \"127.0.0.1\", \"http_idle_timeout\": \"90s\", \"http_header_timeout\": \"2s\", "
        + "\"http_body_timeout\": 3, \"http_keep_alive_timeout\": \"4s\", \"http_max_pending_connections\": 5, "
        + "\"allowed_origins\": [\"https://*.example.com\"]").http();
    assertThat(http).isEqualTo(new HttpOptions("127.0.0.1", Duration.ofSeconds(90), Duration.ofSeconds(2), Duration.ofSeconds(3),
        Duration.ofSeconds(4), 5, List.of("https://*.example.com")));
  }

  @Test
  void theIdleTimeoutIsApartFromThePings() {
    assertThat(parse("\"client_ping_interval\": \"90s\", \"client_pong_timeout\": \"30s\"").http().idleTimeout())
        .as("WebSockets are watched by their pings, not by it").isEqualTo(Duration.ofSeconds(60));
    assertThat(parse("\"http_idle_timeout\": 0").http().idleTimeout()).as("0 = never").isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"http_header_timeout\": -1", "\"http_body_timeout\": \"soon\"", "\"http_keep_alive_timeout\": -3",
      "\"http_max_pending_connections\": -1", "\"allowed_origins\": \"*\"", "\"allowed_origins\": [\"\"]", "\"allowed_origins\": [1]",
      "\"address\": \"10.0.0.0/8\""})
  void badValuesNameTheirKey(String member) {
    String key = member.substring(1, member.indexOf('"', 1));
    assertThatThrownBy(() -> parse(member)).isInstanceOf(ConfigException.class).hasMessageContaining(key);
  }
}
