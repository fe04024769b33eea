package io.rebound.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.testing.ApiClient;
import io.rebound.testing.Await;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.RawClient;
import io.rebound.testing.RunningNode;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The server HTTP API (PROTOCOL.md §9) over real HTTP, with raw WebSocket clients observing its effects. */
class HttpApiIT {

  private static final String CONFIG = """
      {"namespaces": [
         {"name": "news", "allow_subscribe_for_client": true, "presence": true,
          "history_size": 10, "history_ttl": "300s", "force_recovery": true},
         {"name": "plain", "allow_subscribe_for_client": true}
       ]}
      """;
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final NodeExtension node = NodeExtension.of(CONFIG);

  private static List<Long> offsets(JsonNode pubs) {
    List<Long> out = new ArrayList<>();
    pubs.forEach(p -> out.add(p.path("offset").asLong()));
    return out;
  }

  @Test
  void publishReturnsOffsetAndEpochAndReachesSubscribers() {
    try (RawClient c = node.connect("pub-reader")) {
      c.subscribe(2, "news:pub");
      JsonNode r = node.http().ok("publish", "{\"channel\":\"news:pub\",\"data\":{\"v\":1.10,\"s\":\"\\u00e9\"}}");
      assertThat(r.path("offset").asLong()).isEqualTo(1);
      assertThat(r.path("epoch").asText()).isNotEmpty();
      JsonNode pub = c.push("news:pub", "pub");
      assertThat(pub.path("offset").asLong()).isEqualTo(1);
      assertThat(pub.path("data").path("s").asText()).isEqualTo("é");
      // Without history the result is empty.
      assertThat(node.http().ok("publish", "{\"channel\":\"plain:x\",\"data\":{}}").size()).isZero();
      // Application errors: HTTP 200 with an error body.
      ApiClient.Response unknown = node.http().call("publish", "{\"channel\":\"nope:x\",\"data\":{}}");
      assertThat(unknown.status()).isEqualTo(200);
      assertThat(unknown.error().path("code").asInt()).isEqualTo(102);
      assertThat(node.http().call("publish", "{\"channel\":\"news:pub\"}").error().path("code").asInt()).isEqualTo(107);
    }
  }

  @Test
  void broadcastAnswersOnePerChannelInOrder() {
    JsonNode r = node.http().ok("broadcast", "{\"channels\":[\"news:b1\",\"nope:b\",\"plain:b\"],\"data\":{\"x\":1}}");
    JsonNode responses = r.path("responses");
    assertThat(responses.size()).isEqualTo(3);
    assertThat(responses.get(0).path("result").path("offset").asLong()).isEqualTo(1);
    assertThat(responses.get(1).path("error").path("code").asInt()).isEqualTo(102);
    assertThat(responses.get(2).has("result")).isTrue();
  }

  @Test
  void subscribeUnsubscribeDisconnectByUserReachTheConnection() {
    try (RawClient c = node.connect("controlled")) {
      node.http().ok("subscribe", "{\"user\":\"controlled\",\"channel\":\"news:server\"}");
      JsonNode sub = c.push("news:server", "subscribe");
      assertThat(sub.path("recoverable").asBoolean()).isTrue();
      node.http().ok("publish", "{\"channel\":\"news:server\",\"data\":{\"n\":1}}");
      assertThat(c.push("news:server", "pub").path("data").path("n").asInt()).isEqualTo(1);

      c.subscribe(2, "plain:client");
      node.http().ok("unsubscribe", "{\"user\":\"controlled\",\"channel\":\"plain:client\"}");
      JsonNode unsub = c.push("plain:client", "unsubscribe");
      assertThat(unsub.path("code").asInt()).isEqualTo(2000);

      node.http().ok("disconnect", "{\"user\":\"controlled\"}");
      assertThat(c.awaitClose()).isEqualTo((short) 3503);
    }
  }

  @Test
  void presenceAndStats() {
    try (RawClient a = node.connect("pres-a"); RawClient b = node.connect("pres-b")) {
      a.subscribe(2, "news:presence");
      b.subscribe(2, "news:presence");
      JsonNode presence = node.http().ok("presence", "{\"channel\":\"news:presence\"}").path("presence");
      assertThat(presence.size()).isEqualTo(2);
      presence.fields().forEachRemaining(e -> assertThat(e.getValue().path("client").asText()).isEqualTo(e.getKey()));
      JsonNode stats = node.http().ok("presence_stats", "{\"channel\":\"news:presence\"}");
      assertThat(stats.path("num_clients").asInt()).isEqualTo(2);
      assertThat(stats.path("num_users").asInt()).isEqualTo(2);
      assertThat(node.http().call("presence", "{\"channel\":\"plain:x\"}").error().path("code").asInt()).isEqualTo(108);
    }
  }

  @Test
  void historyAndHistoryRemove() {
    String ch = "news:hist";
    String epoch = null;
    for (int i = 1; i <= 5; i++) epoch = node.http().ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"i\":" + i + "}}").path("epoch").asText();
    JsonNode top = node.http().ok("history", "{\"channel\":\"" + ch + "\"}");
    assertThat(top.path("offset").asLong()).isEqualTo(5);
    assertThat(top.path("epoch").asText()).isEqualTo(epoch);
    assertThat(top.has("publications")).isTrue();
    assertThat(offsets(node.http().ok("history", "{\"channel\":\"" + ch + "\",\"limit\":-1}").path("publications"))).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(offsets(node.http().ok("history", "{\"channel\":\"" + ch + "\",\"limit\":2,\"since\":{\"offset\":2,\"epoch\":\"" + epoch + "\"}}")
        .path("publications"))).containsExactly(3L, 4L);
    assertThat(offsets(node.http().ok("history", "{\"channel\":\"" + ch + "\",\"limit\":2,\"reverse\":true}").path("publications"))).containsExactly(5L, 4L);
    assertThat(node.http().call("history", "{\"channel\":\"" + ch + "\",\"since\":{\"offset\":1,\"epoch\":\"other\"}}").error().path("code").asInt()).isEqualTo(112);
    assertThat(node.http().call("history", "{\"channel\":\"plain:x\"}").error().path("code").asInt()).isEqualTo(108);

    assertThat(node.http().ok("history_remove", "{\"channel\":\"" + ch + "\"}").size()).isZero();
    JsonNode after = node.http().ok("history", "{\"channel\":\"" + ch + "\",\"limit\":-1}");
    assertThat(after.path("publications")).isEmpty();
  }

  @Test
  void channelsWithPatternAndInfo() {
    try (RawClient c = node.connect("lister")) {
      c.subscribe(2, "plain:list-a");
      c.subscribe(3, "plain:list-b");
      c.subscribe(4, "news:list-c");
      JsonNode all = node.http().ok("channels", "{}").path("channels");
      assertThat(all.has("plain:list-a")).isTrue();
      assertThat(all.has("news:list-c")).isTrue();
      JsonNode some = node.http().ok("channels", "{\"pattern\":\"plain:list-*\"}").path("channels");
      assertThat(some.size()).isEqualTo(2);
      assertThat(some.path("plain:list-a").path("num_clients").asInt()).isEqualTo(1);

      JsonNode nodes = node.http().ok("info", "{}").path("nodes");
      assertThat(nodes.size()).isEqualTo(1);
      assertThat(nodes.get(0).path("num_clients").asInt()).isGreaterThanOrEqualTo(1);
      assertThat(nodes.get(0).path("num_channels").asInt()).isGreaterThanOrEqualTo(3);
      assertThat(nodes.get(0).path("uid").asText()).isNotEmpty();
    }
  }

  @Test
  void batchRepliesKeyedByMethod() {
    JsonNode r = node.http().ok("batch", "{\"commands\":[{\"publish\":{\"channel\":\"news:batch\",\"data\":{\"a\":1}}},"
        + "{\"publish\":{\"channel\":\"nope:x\",\"data\":{}}},{\"history\":{\"channel\":\"news:batch\",\"limit\":10}}]}");
    JsonNode replies = r.path("replies");
    assertThat(replies.size()).isEqualTo(3);
    assertThat(replies.get(0).path("publish").path("offset").asLong()).isEqualTo(1);
    assertThat(replies.get(1).path("error").path("code").asInt()).isEqualTo(102);
    assertThat(replies.get(2).path("history").path("publications").size()).isEqualTo(1);
  }

  @Test
  void authAndHttpErrorsHaveJsonBodies() {
    ApiClient.Response wrong = new ApiClient(node.port(), "wrong").call("info", "{}");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.error()).isNotNull();
    ApiClient.Response none = node.http().post("/api/info", "{}", null, null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.error()).isNotNull();

    ApiClient.Response apikey = node.http().post("/api/info", "{}", "Authorization", "apikey " + RunningNode.API_KEY);
    assertThat(apikey.status()).isEqualTo(200);
    assertThat(apikey.result()).isNotNull();

    ApiClient.Response unknown = node.http().call("frobnicate", "{}");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).isNotNull();

    ApiClient.Response malformed = node.http().call("publish", "{\"channel\":");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.error()).isNotNull();

    ApiClient.Response get = node.http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/api/publish"))
        .header("X-API-Key", RunningNode.API_KEY).GET().build());
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.error()).isNotNull();

    String huge = "{\"channel\":\"plain:x\",\"data\":\"" + "x".repeat(11 * 1024 * 1024) + "\"}";
    ApiClient.Response tooLarge = node.http().call("publish", huge);
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.error()).isNotNull();
  }

  @Test
  void anEmptyBodyIsAnEmptyParamsObject() {
    // cent clients send no body for parameterless methods; Vert.x then has no body buffer at all.
    ApiClient.Response info = node.http().post("/api/info", "", "X-API-Key", RunningNode.API_KEY);
    assertThat(info.status()).as(info.text()).isEqualTo(200);
    assertThat(info.result().path("nodes").size()).isEqualTo(1);
    ApiClient.Response publish = node.http().post("/api/publish", "", "X-API-Key", RunningNode.API_KEY);
    assertThat(publish.status()).isEqualTo(200);
    assertThat(publish.error().path("code").asInt()).isEqualTo(107);
    ApiClient.Response legacy = node.http().post("/api", "", "X-API-Key", RunningNode.API_KEY);
    assertThat(legacy.status()).as(legacy.text()).isEqualTo(200);
    assertThat(legacy.text()).isEmpty();
  }

  @Test
  void anUnknownMethodIs404BeforeItsBodyIsRead() {
    ApiClient.Response unknown = node.http().call("frobnicate", "{\"channel\":");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.text()).isEqualTo("{\"error\":{\"code\":104,\"message\":\"unknown API method: frobnicate\"}}");
  }

  @Test
  void legacyNewlineDelimitedRoute() throws Exception {
    String body = "{\"method\":\"publish\",\"params\":{\"channel\":\"news:legacy\",\"data\":{\"p\":1}}}\n"
        + "{\"method\":\"publish\",\"params\":{\"channel\":\"nope:x\",\"data\":{}}}\n"
        + "{\"method\":\"history\",\"params\":{\"channel\":\"news:legacy\",\"limit\":10}}\n";
    ApiClient.Response r = node.http().post("/api", body, "X-API-Key", RunningNode.API_KEY);
    assertThat(r.status()).isEqualTo(200);
    List<JsonNode> lines = new ArrayList<>();
    for (String line : r.text().split("\n")) if (!line.isBlank()) lines.add(JSON.readTree(line));
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).path("result").path("offset").asLong()).isEqualTo(1);
    assertThat(lines.get(1).path("error").path("code").asInt()).isEqualTo(102);
    assertThat(lines.get(2).path("result").path("publications").size()).isEqualTo(1);
  }

  @Test
  void eventBusApi() {
    io.vertx.core.eventbus.DeliveryOptions withKey = new io.vertx.core.eventbus.DeliveryOptions().addHeader("X-API-Key", RunningNode.API_KEY);
    JsonObject ok = Await.result(node.node().vertx().eventBus().<JsonObject>request("rebound.api",
        new JsonObject().put("method", "publish").put("params", new JsonObject().put("channel", "news:bus").put("data", new JsonObject().put("b", 1))), withKey))
        .body();
    assertThat(ok.getJsonObject("result").getLong("offset")).isEqualTo(1L);
    JsonObject err = Await.result(node.node().vertx().eventBus().<JsonObject>request("rebound.api",
        new JsonObject().put("method", "publish").put("params", new JsonObject().put("channel", "nope:x").put("data", 1)), withKey)).body();
    assertThat(err.getJsonObject("error").getInteger("code")).isEqualTo(102);
    assertThat(err.containsKey("result")).isFalse();
  }

  @Test
  void healthAndMetrics() {
    ApiClient.Response health = node.http().get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body().path("status").asText()).isEqualTo("ok");
    try (RawClient c = node.connect("metered")) {
      c.subscribe(2, "news:metered");
      node.http().ok("publish", "{\"channel\":\"news:metered\",\"data\":{}}");
      assertThat(node.http().metric("rebound_connections")).isGreaterThanOrEqualTo(1);
      assertThat(node.http().metric("rebound_subscriptions")).isGreaterThanOrEqualTo(1);
      assertThat(node.http().metric("rebound_publications_total")).isGreaterThanOrEqualTo(1);
    }
    String metrics = node.http().get("/metrics").text();
    for (String name : List.of("rebound_recoveries_attempted_total", "rebound_recoveries_succeeded_total", "rebound_recoveries_refused_total")) {
      assertThat(node.http().metric(name)).as(name + " in\n" + metrics).isNotNaN();
    }
  }
}
