package io.rebound.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.Node;
import io.rebound.auth.JwtSigner;
import io.rebound.testing.ApiClient;
import io.rebound.testing.Await;
import io.rebound.testing.RawClient;
import io.rebound.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server HTTP API (PROTOCOL.md §9) over real HTTP, with raw WebSocket clients observing its effects. */
class HttpApiIT {

  private static final String KEY = "http-key";
  private static final String CONFIG = """
      {"port": PORT, "token_hmac_secret_key": "http-secret", "api_key": "http-key",
       "namespaces": [
         {"name": "news", "allow_subscribe_for_client": true, "presence": true,
          "history_size": 10, "history_ttl": "300s", "force_recovery": true},
         {"name": "plain", "allow_subscribe_for_client": true}
       ]}
      """;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Node node;
  private static Vertx clients;
  private static ApiClient api;
  private static final JwtSigner SIGNER = new JwtSigner("http-secret");

  @BeforeAll
  static void start() {
    node = TestNode.start(CONFIG);
    clients = Vertx.vertx();
    api = new ApiClient(node.port(), KEY);
  }

  @AfterAll
  static void stop() {
    if (clients != null) Await.result(clients.close());
    if (node != null) Await.result(node.close());
  }

  private static RawClient user(String name) {
    return RawClient.connected(clients, node.port(), SIGNER.connectionToken(name, 3600));
  }

  private static String subscribe(RawClient c, long id, String channel) {
    JsonNode r = c.call(id, "subscribe", "{\"channel\":\"" + channel + "\"}");
    assertThat(r.has("subscribe")).as("subscribe reply %s", r).isTrue();
    return channel;
  }

  private static List<Long> offsets(JsonNode pubs) {
    List<Long> out = new ArrayList<>();
    pubs.forEach(p -> out.add(p.path("offset").asLong()));
    return out;
  }

  @Test
  void publishReturnsOffsetAndEpochAndReachesSubscribers() {
    try (RawClient c = user("pub-reader")) {
      subscribe(c, 2, "news:pub");
      JsonNode r = api.ok("publish", "{\"channel\":\"news:pub\",\"data\":{\"v\":1.10,\"s\":\"\\u00e9\"}}");
      assertThat(r.path("offset").asLong()).isEqualTo(1);
      assertThat(r.path("epoch").asText()).isNotEmpty();
      JsonNode pub = c.push("news:pub", "pub");
      assertThat(pub.path("offset").asLong()).isEqualTo(1);
      assertThat(pub.path("data").path("s").asText()).isEqualTo("é");
      // Without history the result is empty.
      assertThat(api.ok("publish", "{\"channel\":\"plain:x\",\"data\":{}}").size()).isZero();
      // Application errors: HTTP 200 with an error body.
      ApiClient.Response unknown = api.call("publish", "{\"channel\":\"nope:x\",\"data\":{}}");
      assertThat(unknown.status()).isEqualTo(200);
      assertThat(unknown.error().path("code").asInt()).isEqualTo(102);
      assertThat(api.call("publish", "{\"channel\":\"news:pub\"}").error().path("code").asInt()).isEqualTo(107);
    }
  }

  @Test
  void broadcastAnswersOnePerChannelInOrder() {
    JsonNode r = api.ok("broadcast", "{\"channels\":[\"news:b1\",\"nope:b\",\"plain:b\"],\"data\":{\"x\":1}}");
    JsonNode responses = r.path("responses");
    assertThat(responses.size()).isEqualTo(3);
    assertThat(responses.get(0).path("result").path("offset").asLong()).isEqualTo(1);
    assertThat(responses.get(1).path("error").path("code").asInt()).isEqualTo(102);
    assertThat(responses.get(2).has("result")).isTrue();
  }

  @Test
  void subscribeUnsubscribeDisconnectByUserReachTheConnection() {
    try (RawClient c = user("controlled")) {
      api.ok("subscribe", "{\"user\":\"controlled\",\"channel\":\"news:server\"}");
      JsonNode sub = c.push("news:server", "subscribe");
      assertThat(sub.path("recoverable").asBoolean()).isTrue();
      api.ok("publish", "{\"channel\":\"news:server\",\"data\":{\"n\":1}}");
      assertThat(c.push("news:server", "pub").path("data").path("n").asInt()).isEqualTo(1);

      subscribe(c, 2, "plain:client");
      api.ok("unsubscribe", "{\"user\":\"controlled\",\"channel\":\"plain:client\"}");
      JsonNode unsub = c.push("plain:client", "unsubscribe");
      assertThat(unsub.path("code").asInt()).isEqualTo(2000);

      api.ok("disconnect", "{\"user\":\"controlled\"}");
      assertThat(c.awaitClose()).isEqualTo((short) 3503);
    }
  }

  @Test
  void presenceAndStats() {
    try (RawClient a = user("pres-a"); RawClient b = user("pres-b")) {
      subscribe(a, 2, "news:presence");
      subscribe(b, 2, "news:presence");
      JsonNode presence = api.ok("presence", "{\"channel\":\"news:presence\"}").path("presence");
      assertThat(presence.size()).isEqualTo(2);
      presence.fields().forEachRemaining(e -> assertThat(e.getValue().path("client").asText()).isEqualTo(e.getKey()));
      JsonNode stats = api.ok("presence_stats", "{\"channel\":\"news:presence\"}");
      assertThat(stats.path("num_clients").asInt()).isEqualTo(2);
      assertThat(stats.path("num_users").asInt()).isEqualTo(2);
      assertThat(api.call("presence", "{\"channel\":\"plain:x\"}").error().path("code").asInt()).isEqualTo(108);
    }
  }

  @Test
  void historyAndHistoryRemove() {
    String ch = "news:hist";
    String epoch = null;
    for (int i = 1; i <= 5; i++) epoch = api.ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"i\":" + i + "}}").path("epoch").asText();
    JsonNode top = api.ok("history", "{\"channel\":\"" + ch + "\"}");
    assertThat(top.path("offset").asLong()).isEqualTo(5);
    assertThat(top.path("epoch").asText()).isEqualTo(epoch);
    assertThat(top.has("publications")).isTrue();
    assertThat(offsets(api.ok("history", "{\"channel\":\"" + ch + "\",\"limit\":-1}").path("publications"))).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(offsets(api.ok("history", "{\"channel\":\"" + ch + "\",\"limit\":2,\"since\":{\"offset\":2,\"epoch\":\"" + epoch + "\"}}")
        .path("publications"))).containsExactly(3L, 4L);
    assertThat(offsets(api.ok("history", "{\"channel\":\"" + ch + "\",\"limit\":2,\"reverse\":true}").path("publications"))).containsExactly(5L, 4L);
    assertThat(api.call("history", "{\"channel\":\"" + ch + "\",\"since\":{\"offset\":1,\"epoch\":\"other\"}}").error().path("code").asInt()).isEqualTo(112);
    assertThat(api.call("history", "{\"channel\":\"plain:x\"}").error().path("code").asInt()).isEqualTo(108);

    assertThat(api.ok("history_remove", "{\"channel\":\"" + ch + "\"}").size()).isZero();
    JsonNode after = api.ok("history", "{\"channel\":\"" + ch + "\",\"limit\":-1}");
    assertThat(after.path("publications")).isEmpty();
  }

  @Test
  void channelsWithPatternAndInfo() {
    try (RawClient c = user("lister")) {
      subscribe(c, 2, "plain:list-a");
      subscribe(c, 3, "plain:list-b");
      subscribe(c, 4, "news:list-c");
      JsonNode all = api.ok("channels", "{}").path("channels");
      assertThat(all.has("plain:list-a")).isTrue();
      assertThat(all.has("news:list-c")).isTrue();
      JsonNode some = api.ok("channels", "{\"pattern\":\"plain:list-*\"}").path("channels");
      assertThat(some.size()).isEqualTo(2);
      assertThat(some.path("plain:list-a").path("num_clients").asInt()).isEqualTo(1);

      JsonNode nodes = api.ok("info", "{}").path("nodes");
      assertThat(nodes.size()).isEqualTo(1);
      assertThat(nodes.get(0).path("num_clients").asInt()).isGreaterThanOrEqualTo(1);
      assertThat(nodes.get(0).path("num_channels").asInt()).isGreaterThanOrEqualTo(3);
      assertThat(nodes.get(0).path("uid").asText()).isNotEmpty();
    }
  }

  @Test
  void batchRepliesKeyedByMethod() {
    JsonNode r = api.ok("batch", "{\"commands\":[{\"publish\":{\"channel\":\"news:batch\",\"data\":{\"a\":1}}},"
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
    ApiClient.Response none = api.post("/api/info", "{}", null, null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.error()).isNotNull();

    ApiClient.Response apikey = api.post("/api/info", "{}", "Authorization", "apikey " + KEY);
    assertThat(apikey.status()).isEqualTo(200);
    assertThat(apikey.result()).isNotNull();

    ApiClient.Response unknown = api.call("frobnicate", "{}");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).isNotNull();

    ApiClient.Response malformed = api.call("publish", "{\"channel\":");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.error()).isNotNull();

    ApiClient.Response get = api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/api/publish"))
        .header("X-API-Key", KEY).GET().build());
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.error()).isNotNull();

    String huge = "{\"channel\":\"plain:x\",\"data\":\"" + "x".repeat(11 * 1024 * 1024) + "\"}";
    ApiClient.Response tooLarge = api.call("publish", huge);
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.error()).isNotNull();
  }

  @Test
  void anEmptyBodyIsAnEmptyParamsObject() {
    // cent clients send no body for parameterless methods; Vert.x then has no body buffer at all.
    ApiClient.Response info = api.post("/api/info", "", "X-API-Key", KEY);
    assertThat(info.status()).as(info.text()).isEqualTo(200);
    assertThat(info.result().path("nodes").size()).isEqualTo(1);
    ApiClient.Response publish = api.post("/api/publish", "", "X-API-Key", KEY);
    assertThat(publish.status()).isEqualTo(200);
    assertThat(publish.error().path("code").asInt()).isEqualTo(107);
    ApiClient.Response legacy = api.post("/api", "", "X-API-Key", KEY);
    assertThat(legacy.status()).as(legacy.text()).isEqualTo(200);
    assertThat(legacy.text()).isEmpty();
  }

  @Test
  void anUnknownMethodIs404BeforeItsBodyIsRead() {
    ApiClient.Response unknown = api.call("frobnicate", "{\"channel\":");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.text()).isEqualTo("{\"error\":{\"code\":104,\"message\":\"unknown API method: frobnicate\"}}");
  }

  @Test
  void legacyNewlineDelimitedRoute() throws Exception {
    String body = "{\"method\":\"publish\",\"params\":{\"channel\":\"news:legacy\",\"data\":{\"p\":1}}}\n"
        + "{\"method\":\"publish\",\"params\":{\"channel\":\"nope:x\",\"data\":{}}}\n"
        + "{\"method\":\"history\",\"params\":{\"channel\":\"news:legacy\",\"limit\":10}}\n";
    ApiClient.Response r = api.post("/api", body, "X-API-Key", KEY);
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
    JsonObject ok = Await.result(node.vertx().eventBus().<JsonObject>request("rebound.api",
        new JsonObject().put("method", "publish").put("params", new JsonObject().put("channel", "news:bus").put("data", new JsonObject().put("b", 1)))))
        .body();
    assertThat(ok.getJsonObject("result").getLong("offset")).isEqualTo(1L);
    JsonObject err = Await.result(node.vertx().eventBus().<JsonObject>request("rebound.api",
        new JsonObject().put("method", "publish").put("params", new JsonObject().put("channel", "nope:x").put("data", 1)))).body();
    assertThat(err.getJsonObject("error").getInteger("code")).isEqualTo(102);
    assertThat(err.containsKey("result")).isFalse();
  }

  @Test
  void healthAndMetrics() {
    ApiClient.Response health = api.get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body().path("status").asText()).isEqualTo("ok");
    try (RawClient c = user("metered")) {
      subscribe(c, 2, "news:metered");
      api.ok("publish", "{\"channel\":\"news:metered\",\"data\":{}}");
      assertThat(api.metric("rebound_connections")).isGreaterThanOrEqualTo(1);
      assertThat(api.metric("rebound_subscriptions")).isGreaterThanOrEqualTo(1);
      assertThat(api.metric("rebound_publications_total")).isGreaterThanOrEqualTo(1);
    }
    String metrics = api.get("/metrics").text();
    for (String name : List.of("rebound_recoveries_attempted_total", "rebound_recoveries_succeeded_total", "rebound_recoveries_refused_total")) {
      assertThat(api.metric(name)).as(name + " in\n" + metrics).isNotNaN();
    }
  }
}
