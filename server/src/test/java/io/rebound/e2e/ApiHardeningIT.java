package io.rebound.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.auth.JwtSigner;
import io.rebound.testing.ApiClient;
import io.rebound.testing.Await;
import io.rebound.testing.RawClient;
import io.rebound.testing.RedisServer;
import io.rebound.testing.RunningNode;
import io.vertx.core.Vertx;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 15's API items over real HTTP and WebSockets: the legacy pipeline's framing, caps and
 * refusals; payloads that would split subscribers' frames; the publication size cap for clients;
 * idempotency keys scoped by publisher on the memory and Redis engines.
 */
class ApiHardeningIT {

  private static final String KEY = RunningNode.API_KEY;
  private static final String SECRET = RunningNode.SECRET;
  private static final String CONFIG = """
      {"api_batch_max_size": 5,
       "publication_size_limit": 1000, %s
       "namespaces": [
         {"name": "news", "allow_subscribe_for_client": true, "allow_publish_for_client": true, "allow_history_for_client": true,
          "history_size": 10, "history_ttl": "300s", "force_recovery": true}
       ]}
      """;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static RedisServer redis;
  private static RunningNode memoryNode;
  private static RunningNode redisNode;
  private static Vertx clients;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    redis = RedisServer.start(false);
    memoryNode = RunningNode.start(CONFIG.formatted(""));
    redisNode = RunningNode.start(CONFIG.formatted("\"engine\": \"redis\", \"redis_address\": \"" + redis.address() + "\","));
    clients = Vertx.vertx();
    api = new ApiClient(memoryNode.port(), KEY);
  }

  @AfterAll
  static void stop() {
    if (clients != null) Await.result(clients.close());
    if (memoryNode != null) memoryNode.close();
    if (redisNode != null) redisNode.close();
    if (redis != null) redis.close();
  }

  private static String channel() {
    return "news:" + UUID.randomUUID();
  }

  private static RawClient subscribed(RunningNode node, String user, String channel) {
    RawClient c = RawClient.connected(clients, node.port(), new JwtSigner(SECRET).connectionToken(user, 3600));
    JsonNode reply = c.call(2, "subscribe", "{\"channel\":\"" + channel + "\"}");
    assertThat(reply.has("subscribe")).as("subscribe reply %s", reply).isTrue();
    return c;
  }

  private static long top(ApiClient http, String channel) {
    return http.ok("history", "{\"channel\":\"" + channel + "\"}").path("offset").asLong();
  }

  @Test
  void legacyPipelineRepliesAreSeparatedByNewlinesWithNoneAfterTheLast() throws Exception {
    String ch = channel();
    String body = "{\"method\":\"publish\",\"params\":{\"channel\":\"" + ch + "\",\"data\":{\"p\":1}},\"id\":1}\n"
        + "{\"method\":\"publish\",\"params\":{\"channel\":\"nope:x\",\"data\":{}}}\n"
        + "{\"method\":\"history\",\"params\":{\"channel\":\"" + ch + "\",\"limit\":10}}\n";
    ApiClient.Response r = api.post("/api", body, "X-API-Key", KEY);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).doesNotEndWith("\n");
    // cent.js pipeline(): JSON.parse of every piece of split('\n')
    String[] pieces = r.text().split("\n", -1);
    assertThat(pieces).hasSize(3);
    assertThat(JSON.readTree(pieces[0]).path("result").path("offset").asLong()).isEqualTo(1);
    assertThat(JSON.readTree(pieces[0]).path("id").asInt()).isEqualTo(1);
    assertThat(JSON.readTree(pieces[1]).path("error").path("code").asInt()).isEqualTo(102);
    assertThat(JSON.readTree(pieces[2]).path("result").path("publications")).hasSize(1);
  }

  @Test
  void aMalformedPipelineLineIsRefusedBeforeAnyLineIsApplied() {
    String ch = channel();
    String body = "{\"method\":\"publish\",\"params\":{\"channel\":\"" + ch + "\",\"data\":1}}\n{\"method\":\"publish\",";
    ApiClient.Response r = api.post("/api", body, "X-API-Key", KEY);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error().path("code").asInt()).isEqualTo(107);
    assertThat(r.error().path("message").asText()).isEqualTo("malformed JSON line 2: nothing was applied");
    assertThat(top(api, ch)).isZero();
    ApiClient.Response notAnObject = api.post("/api", body.substring(0, body.indexOf('\n')) + "\n[42]\n", "X-API-Key", KEY);
    assertThat(notAnObject.status()).isEqualTo(400);
    assertThat(top(api, ch)).isZero();
  }

  @Test
  void aPipelineLongerThanTheBatchCapIs413WithNothingApplied() {
    String ch = channel();
    String line = "{\"method\":\"publish\",\"params\":{\"channel\":\"" + ch + "\",\"data\":1}}\n";
    ApiClient.Response r = api.post("/api", line.repeat(6), "X-API-Key", KEY);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.error().path("code").asInt()).isEqualTo(107);
    assertThat(r.error().path("message").asText()).isEqualTo("pipeline too long: 6 lines, api_batch_max_size is 5: nothing was applied");
    assertThat(top(api, ch)).isZero();
    assertThat(api.post("/api", line.repeat(5), "X-API-Key", KEY).status()).isEqualTo(200);
    assertThat(top(api, ch)).isEqualTo(5);
    String command = "{\"publish\":{\"channel\":\"" + ch + "\",\"data\":1}}";
    ApiClient.Response batch = api.call("batch", "{\"commands\":[" + (command + ",").repeat(5) + command + "]}");
    assertThat(batch.error().path("code").asInt()).isEqualTo(107);
    assertThat(top(api, ch)).isEqualTo(5);
  }

  @Test
  void prettyPrintedApiDataReachesSubscribersLiveInHistoryAndInRecoveryAsOneLine() throws Exception {
    String ch = channel();
    RawClient subscriber = subscribed(memoryNode, "reader", ch);
    String pretty = "{\n  \"text\" : \"two\\nlines\",\r\n  \"n\" : [\n    1,\n    2\n  ]\n}";
    ApiClient.Response published = api.call("publish", "{\"channel\":\"" + ch + "\",\n\"data\": " + pretty + "\n}");
    assertThat(published.status()).as(published.text()).isEqualTo(200);
    // RawClient parses every line of every frame: a raw line break in the payload fails that parse
    JsonNode pub = subscriber.push(ch, "pub");
    assertThat(pub.path("data")).isEqualTo(JSON.readTree(pretty));
    JsonNode history = subscriber.call(3, "history", "{\"channel\":\"" + ch + "\",\"limit\":10}");
    assertThat(history.path("history").path("publications").get(0).path("data")).isEqualTo(JSON.readTree(pretty));
    JsonNode recovered = subscriber.call(4, "unsubscribe", "{\"channel\":\"" + ch + "\"}");
    assertThat(recovered.has("unsubscribe")).isTrue();
    JsonNode again = subscriber.call(5, "subscribe", "{\"channel\":\"" + ch + "\",\"recover\":true,\"offset\":0,\"epoch\":\""
        + published.result().path("epoch").asText() + "\"}");
    assertThat(again.path("subscribe").path("recovered").asBoolean()).as(again.toString()).isTrue();
    assertThat(again.path("subscribe").path("publications").get(0).path("data")).isEqualTo(JSON.readTree(pretty));
    subscriber.close();
  }

  @Test
  void aClientPublishWithRawCarriageReturnsIsStoredOnOneLine() {
    String ch = channel();
    RawClient publisher = subscribed(memoryNode, "writer", ch);
    JsonNode reply = publisher.call(3, "publish", "{\"channel\":\"" + ch + "\",\"data\":{\"a\":\r1,\r\"b\":\"x\"\r}}");
    assertThat(reply.has("error")).as(reply.toString()).isFalse();
    ApiClient.Response history = api.call("history", "{\"channel\":\"" + ch + "\",\"limit\":10}");
    assertThat(history.text()).contains("{\"a\":1,\"b\":\"x\"}").doesNotContain("\r");
    publisher.close();
  }

  @Test
  void aClientPublishOverThePublicationSizeLimitIs107() {
    String ch = channel();
    RawClient publisher = subscribed(memoryNode, "big", ch);
    JsonNode reply = publisher.call(3, "publish", "{\"channel\":\"" + ch + "\",\"data\":\"" + "x".repeat(2000) + "\"}");
    assertThat(reply.path("error").path("code").asInt()).as(reply.toString()).isEqualTo(107);
    assertThat(publisher.isClosed()).isFalse();
    assertThat(publisher.call(4, "publish", "{\"channel\":\"" + ch + "\",\"data\":\"small\"}").has("error")).isFalse();
    assertThat(top(api, ch)).isEqualTo(1);
    publisher.close();
  }

  @ParameterizedTest(name = "engine {0}")
  @ValueSource(strings = {"memory", "redis"})
  void aClientsIdempotencyKeyDoesNotSwallowTheBackendsPublication(String engine) {
    RunningNode node = engine.equals("redis") ? redisNode : memoryNode;
    ApiClient http = new ApiClient(node.port(), KEY);
    String ch = channel();
    RawClient alice = subscribed(node, "alice", ch);
    JsonNode first = alice.call(3, "publish", "{\"channel\":\"" + ch + "\",\"data\":{\"by\":\"alice\"},\"idempotency_key\":\"order-42\"}");
    assertThat(first.has("error")).as(first.toString()).isFalse();
    JsonNode backend = http.ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"by\":\"backend\"},\"idempotency_key\":\"order-42\"}");
    assertThat(backend.path("offset").asLong()).as("the backend's publication is stored").isEqualTo(2);
    assertThat(http.ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"by\":\"backend\"},\"idempotency_key\":\"order-42\"}")
        .path("offset").asLong()).as("and applied once").isEqualTo(2);
    alice.call(4, "publish", "{\"channel\":\"" + ch + "\",\"data\":{\"by\":\"alice\"},\"idempotency_key\":\"order-42\"}");
    assertThat(http.ok("history", "{\"channel\":\"" + ch + "\",\"limit\":10}").path("publications")).hasSize(2);
    alice.close();
  }
}
