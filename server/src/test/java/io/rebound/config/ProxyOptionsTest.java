package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.config.ProxyOptions.Hook;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The proxy_* keys and the namespace options proxy_subscribe / proxy_publish / proxy_sub_refresh. */
class ProxyOptionsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode config() {
    return JSON.createObjectNode().put("api_key", "k");
  }

  private static void assertRejected(ObjectNode json, String key, String messagePart) {
    assertThatThrownBy(() -> ConfigLoader.parse(json.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(messagePart)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
  }

  @Test
  void aConnectEndpointIsEnoughToStart_withCentrifugosNamesAndDefaults() {
    ObjectNode json = config().put("proxy_connect_endpoint", "http://app:3000/centrifugo/connect")
        .put("proxy_rpc_endpoint", "https://app/rpc").put("proxy_rpc_timeout", "2500ms");
    json.putArray("proxy_http_headers").add("Cookie").add("Authorization").add("cookie");
    json.putObject("proxy_static_http_headers").put("X-Api-Key", "secret");
    BrokerConfig c = ConfigLoader.parse(json.toString());

    ProxyOptions p = c.proxy();
    assertThat(p.hooks()).containsOnlyKeys(Hook.CONNECT, Hook.RPC);
    assertThat(p.endpoint(Hook.CONNECT).url().toString()).isEqualTo("http://app:3000/centrifugo/connect");
    assertThat(p.endpoint(Hook.CONNECT).timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.endpoint(Hook.RPC).timeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(p.httpHeaders()).containsExactly("cookie", "authorization");
    assertThat(p.staticHttpHeaders()).containsEntry("X-Api-Key", "secret");
    assertThat(p.includeConnectionMeta()).isFalse();
    assertThat(p.maxInFlight()).isEqualTo(ProxyOptions.DEFAULT_MAX_IN_FLIGHT);
    assertThat(p.maxQueued()).isEqualTo(ProxyOptions.DEFAULT_MAX_QUEUED);
  }

  @Test
  void withoutAnyProxyTheDefaultIsDisabled() {
    BrokerConfig c = ConfigLoader.parse(config().put("token_hmac_secret_key", "s").toString());
    assertThat(c.proxy().hooks()).isEmpty();
    assertThat(c.defaults().proxySubscribe()).isFalse();
  }

  @Test
  void headersFromTheEnvironmentAreOneSpaceSeparatedString() {
    BrokerConfig c = ConfigLoader.parse(config().put("proxy_connect_endpoint", "http://app/c")
        .put("proxy_http_headers", "Cookie  X-Real-Ip").toString());
    assertThat(c.proxy().httpHeaders()).containsExactly("cookie", "x-real-ip");
  }

  @Test
  void wrongValuesAreNamed() {
    assertRejected(config().put("proxy_connect_endpoint", "app:3000/connect"), "proxy_connect_endpoint", "http:// or https://");
    assertRejected(config().put("proxy_connect_endpoint", "grpc://app:10000"), "proxy_connect_endpoint", "GRPC");
    assertRejected(config().put("proxy_connect_endpoint", "http://app/c").put("proxy_connect_timeout", "0"), "proxy_connect_timeout", "> 0");
    assertRejected(config().put("proxy_connect_endpoint", "http://app/c").put("proxy_max_in_flight", 0), "proxy_max_in_flight", ">= 1");
    assertRejected(config().put("proxy_connect_endpoint", "http://app/c").put("proxy_http_headers", 3), "proxy_http_headers", "array");
  }

  @Test
  void aNamespaceThatProxiesNeedsTheHooksEndpoint() {
    ObjectNode json = config().put("token_hmac_secret_key", "s");
    json.putArray("namespaces").addObject().put("name", "chat").put("proxy_publish", true);
    assertRejected(json, "namespaces.chat.proxy_publish", "proxy_publish_endpoint");

    assertRejected(config().put("token_hmac_secret_key", "s").put("proxy_subscribe", true), "proxy_subscribe", "proxy_subscribe_endpoint");

    json.put("proxy_publish_endpoint", "http://app/publish");
    assertThat(ConfigLoader.parse(json.toString()).namespace("chat").proxyPublish()).isTrue();
  }
}
