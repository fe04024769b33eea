package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code webhook_*} keys: defaults, every key read, and each invalid value named by its key. */
class WebhookOptionsTest {

  private static BrokerConfig parse(String extra) {
    return ConfigLoader.parse("{\"token_hmac_secret_key\":\"s\",\"api_key\":\"k\"" + (extra.isEmpty() ? "" : "," + extra) + "}");
  }

  private static void assertRejected(String extra, String key, String messagePart) {
    assertThatThrownBy(() -> parse(extra))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(messagePart)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
  }

  @Test
  void offByDefault() {
    WebhookOptions w = parse("").webhooks();
    assertThat(w.enabled()).isFalse();
    assertThat(w).isEqualTo(WebhookOptions.DEFAULTS);
    assertThat(w.bufferSize()).isEqualTo(100_000);
    assertThat(w.batchSize()).isEqualTo(100);
    assertThat(w.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(w.nodeTtl()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void everyKeyIsRead() {
    WebhookOptions w = parse("""
        "webhook_endpoint": "https://backend.example/rebound/events",
        "webhook_timeout": "2s",
        "webhook_batch_size": 50,
        "webhook_buffer_size": 5000,
        "webhook_retry_min_backoff": "50ms",
        "webhook_retry_max_backoff": "30s",
        "webhook_static_http_headers": {"Authorization": "Bearer abc", "X-Env": "prod"},
        "webhook_node_ttl": "4s"
        """).webhooks();
    assertThat(w.enabled()).isTrue();
    assertThat(w.endpoint()).isEqualTo("https://backend.example/rebound/events");
    assertThat(w.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(w.batchSize()).isEqualTo(50);
    assertThat(w.bufferSize()).isEqualTo(5000);
    assertThat(w.retryMinBackoff()).isEqualTo(Duration.ofMillis(50));
    assertThat(w.retryMaxBackoff()).isEqualTo(Duration.ofSeconds(30));
    assertThat(w.staticHttpHeaders()).containsExactly(Map.entry("Authorization", "Bearer abc"), Map.entry("X-Env", "prod"));
    assertThat(w.nodeTtl()).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void everyKeyCanComeFromTheEnvironment() {
    WebhookOptions w = ConfigLoader.parse("{\"token_hmac_secret_key\":\"s\",\"api_key\":\"k\"}", Map.of(
        "REBOUND_WEBHOOK_ENDPOINT", "http://backend:8080/events",
        "REBOUND_WEBHOOK_BUFFER_SIZE", "500",
        "REBOUND_WEBHOOK_STATIC_HTTP_HEADERS", "{\"Authorization\": \"Bearer from-env\"}",
        "REBOUND_WEBHOOK_NODE_TTL", "3s")).webhooks();
    assertThat(w.endpoint()).isEqualTo("http://backend:8080/events");
    assertThat(w.bufferSize()).isEqualTo(500);
    assertThat(w.staticHttpHeaders()).containsExactly(Map.entry("Authorization", "Bearer from-env"));
    assertThat(w.nodeTtl()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void aMisspeltKeyIsNamed() {
    assertRejected("\"webhook_endpont\": \"http://x\"", "webhook_endpont", "unknown key");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "\"webhook_endpoint\": \"ftp://backend/x\"|webhook_endpoint|must be an http:// or https:// URL",
      "\"webhook_endpoint\": \"http://\"|webhook_endpoint|",
      "\"webhook_endpoint\": \"not a url\"|webhook_endpoint|",
      "\"webhook_endpoint\": 5|webhook_endpoint|expected a string",
      "\"webhook_timeout\": \"0s\"|webhook_timeout|must be > 0",
      "\"webhook_timeout\": \"soon\"|webhook_timeout|is not a duration",
      "\"webhook_batch_size\": 0|webhook_batch_size|must be in 1..10000",
      "\"webhook_batch_size\": 20000|webhook_batch_size|must be in 1..10000",
      "\"webhook_buffer_size\": 10|webhook_buffer_size|must be >= webhook_batch_size (100)",
      "\"webhook_retry_min_backoff\": \"0ms\"|webhook_retry_min_backoff|must be > 0",
      "\"webhook_retry_min_backoff\": \"20s\"|webhook_retry_max_backoff|must be >= webhook_retry_min_backoff",
      "\"webhook_static_http_headers\": [\"Authorization\"]|webhook_static_http_headers|expected an object",
      "\"webhook_static_http_headers\": {\"Bad Name\": \"x\"}|webhook_static_http_headers|is not a valid header name",
      "\"webhook_static_http_headers\": {\"X-A\": \"a\\r\\nX-Injected: 1\"}|webhook_static_http_headers|contains a line break",
      "\"webhook_static_http_headers\": {\"X-A\": 1}|webhook_static_http_headers.X-A|expected a string",
      "\"webhook_node_ttl\": \"500ms\"|webhook_node_ttl|must be at least 1s",
  })
  void invalidValuesAreRejectedNamingTheKey(String extra, String key, String message) {
    assertRejected(extra, key, message == null ? key : message);
  }
}
