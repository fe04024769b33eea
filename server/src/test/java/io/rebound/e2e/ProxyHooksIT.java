package io.rebound.e2e;

import static io.rebound.testing.SdkClient.is;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.rebound.testing.Closer;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.SdkClient;
import io.rebound.testing.UniqueName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * End-to-end: the proxy hooks against a real application backend ({@link HookBackend}, a Vert.x HTTP
 * server), driven by the unmodified {@code centrifuge} SDK through {@code src/test/js/proxy-driver.mjs}
 * connecting without a token: connect (data back, headers forwarded), the backend's errors and
 * disconnects, an unusable or absent backend (temporary, retried), subscribe, publish, rpc, refresh
 * and sub_refresh, and recovery across a reconnect through the connect hook.
 */
class ProxyHooksIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final HookBackend backend = HookBackend.started();

  @RegisterExtension static final NodeExtension node = NodeExtension.of("""
      {
        "name": "e2e-proxy",
        "engine": "memory",
        "proxy_connect_endpoint": "%1$s/connect",
        "proxy_connect_timeout": "500ms",
        "proxy_refresh_endpoint": "%1$s/refresh",
        "proxy_subscribe_endpoint": "%1$s/subscribe",
        "proxy_publish_endpoint": "%1$s/publish",
        "proxy_sub_refresh_endpoint": "%1$s/sub_refresh",
        "proxy_rpc_endpoint": "%1$s/rpc",
        "proxy_http_headers": ["Cookie", "X-Emulated"],
        "proxy_static_http_headers": {"X-Static": "s3cret"},
        "proxy_include_connection_meta": true,
        "namespaces": [
          {"name": "app", "proxy_subscribe": true, "proxy_publish": true, "proxy_sub_refresh": true,
           "history_size": 100, "history_ttl": "600s"},
          {"name": "rec", "history_size": 100, "history_ttl": "600s", "force_recovery": true, "allow_subscribe_for_client": true}
        ]
      }
      """.formatted("http://127.0.0.1:" + backend.port()));

  @RegisterExtension final Closer open = new Closer();
  @RegisterExtension final UniqueName name = new UniqueName();
  private int clients;

  @AfterAll
  static void stopBackend() {
    backend.close();
  }

  private SdkClient client(Map<String, ?> connectData, Map<String, String> headers, String cookie) {
    try {
      return open.add(SdkClient.start(name.get() + "-" + clients++, "proxy-driver.mjs", List.of(), Map.of(
          "REBOUND_URL", node.wsUrl(),
          "REBOUND_DATA", JSON.writeValueAsString(connectData),
          "REBOUND_HEADERS", JSON.writeValueAsString(headers),
          "REBOUND_COOKIE", cookie)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  private SdkClient client(String user) {
    return client(Map.of("user", user), Map.of(), "");
  }

  private String user() {
    return name.get().replaceAll("[^A-Za-z0-9]", "").toLowerCase(java.util.Locale.ROOT);
  }

  private static HookBackend.Call lastCall(String hook, String field, String value) {
    List<HookBackend.Call> calls = backend.calls(hook).stream().filter(c -> value.equals(c.body().path(field).asText())).toList();
    assertThat(calls).as("%s calls with %s=%s", hook, field, value).isNotEmpty();
    return calls.get(calls.size() - 1);
  }

  private double outcomes(String hook, String outcome) {
    Counter c = node.node().metrics().registry().find("rebound_proxy_requests_total").tag("hook", hook).tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void aConnectWithoutTokenIsAuthenticatedByTheBackendWhoseDataReachesTheConnectedEvent() {
    String user = user();
    SdkClient c = client(Map.of("user", user), Map.of("X-Emulated", "emulated-value"), "sid=42");
    JsonNode connected = c.await("connected", is("client", "connected"));

    assertThat(connected.path("data").path("welcome").asText()).isEqualTo(user);
    assertThat(connected.path("data").path("cookie").asText()).as("Cookie of the upgrade request, forwarded").isEqualTo("sid=42");
    assertThat(connected.path("data").path("emulated").asText()).as("the SDK's emulated header, forwarded").isEqualTo("emulated-value");
    assertThat(connected.path("data").path("static").asText()).as("proxy_static_http_headers").isEqualTo("s3cret");
    JsonNode request = lastCall("connect", "client", connected.path("client").asText()).body();
    assertThat(request.path("transport").asText()).isEqualTo("websocket");
    assertThat(request.path("protocol").asText()).isEqualTo("json");
    assertThat(request.path("encoding").asText()).isEqualTo("json");
    assertThat(request.path("data").path("user").asText()).isEqualTo(user);
    assertThat(request.has("user")).as("no user before connect").isFalse();

    // The connection is the backend's user: the rpc hook sees it, with the connect result's meta.
    c.send("rpc echo {\"q\":1}");
    JsonNode rpc = c.await("rpc result", is("client", "rpcResult"));
    assertThat(rpc.path("data").path("user").asText()).isEqualTo(user);
    assertThat(rpc.path("data").path("echo").path("q").asInt()).isEqualTo(1);
    HookBackend.Call call = lastCall("rpc", "user", user);
    assertThat(call.body().path("client").asText()).isEqualTo(connected.path("client").asText());
    assertThat(call.body().path("meta").path("of").asText()).as("proxy_include_connection_meta").isEqualTo(user);
    assertThat(call.headers()).containsEntry("cookie", "sid=42").containsEntry("x-static", "s3cret");

    c.send("rpc nope {}");
    JsonNode refused = c.await("rpc error", is("client", "rpcError"));
    assertThat(refused.path("error").path("code").asInt()).isEqualTo(418);
    assertThat(refused.path("error").path("message").asText()).isEqualTo("no such method");
  }

  @Test
  void theBackendsErrorAndDisconnectReachTheClientWithTheirCodes() {
    SdkClient denied = client(Map.of("user", user() + "d", "deny", true), Map.of(), "");
    JsonNode d = denied.await("disconnected", is("client", "disconnected"));
    assertThat(d.path("code").asInt()).as("a permanent connect error: the SDK gives up with its code").isEqualTo(403);

    SdkClient banned = client(Map.of("user", user() + "b", "disconnect", true), Map.of(), "");
    JsonNode b = banned.await("disconnected", is("client", "disconnected"));
    assertThat(b.path("code").asInt()).isEqualTo(4501);
    assertThat(b.path("reason").asText()).isEqualTo("banned");
    assertThat(banned.events(is("client", "connected"))).isEmpty();
  }

  @Test
  void aSlowOrGarbageAnsweringBackendIsATemporaryErrorTheSdkRetries() {
    double timeouts = outcomes("connect", "timeout");
    double invalid = outcomes("connect", "invalid");
    // First attempt: no answer within proxy_connect_timeout; second: not JSON; third: granted.
    SdkClient c = client(Map.of("user", user(), "slow", 1, "garbage", 2), Map.of(), "");
    c.await("connected after retries", is("client", "connected"));
    List<JsonNode> errors = c.events(is("client", "error"));
    assertThat(errors).hasSizeGreaterThanOrEqualTo(2);
    assertThat(errors).allSatisfy(e -> {
      assertThat(e.path("error").path("code").asInt()).isEqualTo(100);
      assertThat(e.path("error").path("temporary").asBoolean()).isTrue();
    });
    assertThat(c.events(is("client", "disconnected"))).isEmpty();
    assertThat(outcomes("connect", "timeout")).isGreaterThan(timeouts);
    assertThat(outcomes("connect", "invalid")).isGreaterThan(invalid);
  }

  @Test
  void backendDownDuringAReconnect_theClientRetriesAndRecoversOnceItIsBack() {
    String channel = name.in("rec");
    SdkClient c = client(user());
    c.await("connected", is("client", "connected"));
    c.send("subscribe " + channel);
    c.await("subscribed", is("sub", "subscribed", channel));
    node.publish(channel, 1);
    node.publish(channel, 2);
    c.until("2 publications", all -> c.publications("sub", channel).size() == 2);

    backend.stop();
    try {
      int mark = c.mark();
      c.send("cut");
      c.until("two failed reconnects", Duration.ofSeconds(20), all -> all.subList(mark, all.size()).stream()
          .filter(is("client", "error")).filter(e -> e.path("error").path("code").asInt() == 100).count() >= 2);
      node.publish(channel, 3);
      node.publish(channel, 4);
      assertThat(c.events(is("client", "disconnected"))).as("never a permanent disconnect").isEmpty();
    } finally {
      backend.start();
    }
    int mark = c.mark();
    JsonNode resubscribed = c.await("resubscribed", mark, is("sub", "subscribed", channel));
    assertThat(resubscribed.path("wasRecovering").asBoolean()).isTrue();
    assertThat(resubscribed.path("recovered").asBoolean()).isTrue();
    c.until("4 publications", all -> c.publications("sub", channel).size() == 4);
    assertThat(c.publications("sub", channel).stream().map(p -> p.path("data").path("n").asInt()).toList()).containsExactly(1, 2, 3, 4);
  }

  @Test
  void subscribeIsAllowedOrDeniedByTheBackend() {
    String user = user();
    SdkClient c = client(user);
    c.await("connected", is("client", "connected"));
    String allowed = name.in("app");
    c.send("subscribe " + allowed + " {\"want\":7}");
    JsonNode subscribed = c.await("subscribed", is("sub", "subscribed", allowed));
    assertThat(subscribed.path("data").path("granted").asText()).isEqualTo(allowed);
    assertThat(subscribed.path("data").path("asked").path("want").asInt()).isEqualTo(7);
    JsonNode request = lastCall("subscribe", "channel", allowed).body();
    assertThat(request.path("user").asText()).isEqualTo(user);
    assertThat(request.path("meta").path("of").asText()).isEqualTo(user);

    String denied = "app:denied-" + user;
    c.send("subscribe " + denied);
    JsonNode unsubscribed = c.await("unsubscribed", is("sub", "unsubscribed", denied));
    assertThat(unsubscribed.path("code").asInt()).isEqualTo(403);
    assertThat(unsubscribed.path("reason").asText()).isEqualTo("not your channel");
  }

  @Test
  void aClientPublicationIsRewrittenByThePublishHook() {
    String user = user();
    SdkClient c = client(user);
    c.await("connected", is("client", "connected"));
    String channel = name.in("app");
    c.send("subscribe " + channel);
    c.await("subscribed", is("sub", "subscribed", channel));
    c.send("publish " + channel + " {\"text\":\"hi\"}");
    c.await("published", is("client", "published", channel));
    JsonNode pub = c.await("publication", is("sub", "publication", channel));
    assertThat(pub.path("data").path("by").asText()).isEqualTo(user);
    assertThat(pub.path("data").path("rewritten").path("text").asText()).isEqualTo("hi");
    assertThat(node.api("history", Map.of("channel", channel, "limit", 10)).path("publications")).hasSize(1);

    c.send("publish " + channel + " {\"bad\":true}");
    JsonNode refused = c.await("publish refused", is("client", "publishError", channel));
    assertThat(refused.path("error").path("code").asInt()).isEqualTo(422);

    String ephemeral = "app:ephemeral-" + user;
    c.send("publish " + ephemeral + " {\"text\":\"gone\"}");
    c.await("published", is("client", "published", ephemeral));
    assertThat(node.api("history", Map.of("channel", ephemeral, "limit", 10)).path("publications"))
        .as("skip_history from the backend").isEmpty();
  }

  @Test
  void refreshAndSubRefreshGoToTheBackend_anExpiredConnectionReconnectsAndRecovers() {
    String user = user();
    String channel = name.in("rec");
    String expiring = "app:expiring-" + user;
    SdkClient c = client(Map.of("user", user, "expire", 1), Map.of(), "");
    c.await("connected", is("client", "connected"));
    c.send("subscribe " + expiring);
    c.await("subscribed", is("sub", "subscribed", expiring));
    c.send("subscribe " + channel);
    c.await("subscribed", is("sub", "subscribed", channel));

    c.until("two refreshes and two sub_refreshes", Duration.ofSeconds(20), all ->
        backend.calls("refresh").stream().filter(x -> user.equals(x.body().path("user").asText())).count() >= 2
            && backend.calls("sub_refresh").stream().filter(x -> expiring.equals(x.body().path("channel").asText())).count() >= 2);
    HookBackend.Call refresh = lastCall("refresh", "user", user);
    assertThat(refresh.body().path("meta").path("of").asText()).isEqualTo(user);
    assertThat(refresh.headers()).containsEntry("x-static", "s3cret");
    assertThat(c.events(is("client", "connecting")).stream().filter(e -> e.has("code") && !e.path("code").isNull()
        && e.path("code").asInt() != 0)).as("kept connected while refreshed").isEmpty();

    node.publish(channel, 1);
    c.until("1 publication", all -> c.publications("sub", channel).size() == 1);
    int mark = c.mark();
    backend.expireOnRefresh = true;
    try {
      c.await("expired: reconnecting with 3005", mark, is("client", "connecting").and(e -> e.path("code").asInt() == 3005));
    } finally {
      backend.expireOnRefresh = false;
    }
    node.publish(channel, 2);
    JsonNode resubscribed = c.await("resubscribed", mark, is("sub", "subscribed", channel));
    assertThat(resubscribed.path("recovered").asBoolean()).isTrue();
    c.until("2 publications", all -> c.publications("sub", channel).size() == 2);
  }
}
