package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.bus.ApiReply;
import io.rebound.bus.ApiRequest;
import io.rebound.codec.CommandDecoder;
import io.rebound.codec.Replies;
import io.rebound.core.AppendResult;
import io.rebound.core.ClientInfo;
import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;
import io.rebound.codec.Push;
import io.rebound.codec.json.JsonCodec;
import io.rebound.engine.FanoutMessage;
import io.rebound.engine.HistoryEngine;
import io.rebound.engine.memory.MemoryHistory;
import io.rebound.protocol.ErrorCode;
import io.rebound.testing.Await;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code publish} accepts and stores, for backends and (through the same method) client
 * publishes: the size cap, payloads kept on one line, and idempotency keys scoped by publisher.
 */
class PublishLimitsTest {

  private static final String CONFIG = """
      {"name": "unit", "token_hmac_secret_key": "unit-secret", "api_key": "unit-key", "publication_size_limit": 1000,
       "namespaces": [{"name": "news", "history_size": 10, "history_ttl": "300s"}, {"name": "plain"}]}
      """;
  private static final ClientInfo ALICE = new ClientInfo("alice", "c-1", null, null);
  private static final ClientInfo BOB = new ClientInfo("bob", "c-2", null, null);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static final RecordingHistory history = new RecordingHistory();
  private static ApiFixture api;

  @BeforeAll
  static void start() {
    api = new ApiFixture(CONFIG, history);
  }

  @AfterAll
  static void stop() {
    if (api != null) api.close();
  }

  private static ApiReply publish(String channel, String rawData, ClientInfo publisher, String key) {
    CommandDecoder.Params params = CommandDecoder.decodeParams("{\"channel\":\"" + channel + "\""
        + (key == null ? "" : ",\"idempotency_key\":\"" + key + "\"") + ",\"data\":" + rawData + "}");
    return api.call(new ApiRequest("publish", params.params(), params.data(), publisher));
  }

  private static long offset(ApiReply reply) {
    assertThat(reply.error()).as("publish failed").isNull();
    return reply.result().path("offset").asLong();
  }

  @Test
  void aPublicationOverTheSizeLimitIs107ForTheApiAndForClients() {
    String fits = "\"" + "x".repeat(998) + "\""; // 1000 bytes with its quotes
    assertThat(offset(publish("news:size", fits, null, null))).isEqualTo(1);
    ApiReply over = publish("news:size", "\"" + "x".repeat(999) + "\"", null, null);
    assertThat(over.error().error()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(over.error().getMessage()).isEqualTo("publication too large: 1001 bytes, publication_size_limit is 1000");
    // counted in UTF-8 bytes, not characters: 500 × é is 1000 bytes, 1002 with the quotes
    assertThat(publish("news:size", "\"" + "é".repeat(500) + "\"", null, null).error().error()).isEqualTo(ErrorCode.BAD_REQUEST);
    // a client's publication carries its publisher's info: "alice" and "c-1" count too
    assertThat(publish("plain:size", fits, ALICE, null).error().error()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(publish("plain:size", "\"" + "x".repeat(990) + "\"", ALICE, null).error()).isNull();
    assertThat(api.ok("history", "{\"channel\":\"news:size\"}").path("offset").asLong()).as("nothing stored").isEqualTo(1);
  }

  @Test
  void prettyPrintedDataIsStoredAndFannedOutOnOneLine() throws Exception {
    String pretty = "{\n  \"text\" : \"line\\nbreak\",\r\n  \"list\" : [ 1,\n 2 ]\n}";
    long at = offset(publish("news:pretty", pretty, null, null));
    JsonNode stored = api.ok("history", "{\"channel\":\"news:pretty\",\"limit\":-1}").path("publications").get(0);
    assertThat(stored.path("offset").asLong()).isEqualTo(at);
    assertThat(stored.path("data")).isEqualTo(Replies.JSON.readTree(pretty));
    String frame = Await.value("fan-out", WAIT, () -> api.fanouts.stream().filter(m -> m.channel().equals("news:pretty"))
        .map(m -> frame(m)).findFirst().orElse(null));
    assertThat(frame).doesNotContain("\n", "\r").contains("\"text\" : \"line\\nbreak\"");
    // a client's publish goes through the same method
    publish("plain:pretty", pretty, ALICE, null);
    String clientFrame = Await.value("client fan-out", WAIT, () -> api.fanouts.stream().filter(m -> m.channel().equals("plain:pretty"))
        .map(m -> frame(m)).findFirst().orElse(null));
    assertThat(clientFrame).doesNotContain("\n", "\r");
  }

  @Test
  void idempotencyKeysAreScopedByPublisherInTheKeyTheEngineStores() {
    long client = offset(publish("news:order", "{\"by\":\"alice\"}", ALICE, "order-42"));
    long backend = offset(publish("news:order", "{\"by\":\"backend\"}", null, "order-42"));
    assertThat(backend).as("the backend's publication is not swallowed by alice's key").isEqualTo(client + 1);
    assertThat(offset(publish("news:order", "{\"by\":\"alice again\"}", ALICE, "order-42"))).as("alice's resend").isEqualTo(client);
    assertThat(offset(publish("news:order", "{\"by\":\"backend again\"}", null, "order-42"))).as("the backend's resend").isEqualTo(backend);
    assertThat(offset(publish("news:order", "{\"by\":\"bob\"}", BOB, "order-42"))).isEqualTo(backend + 1);
    assertThat(history.keys).containsExactly("user:5:alice:order-42", "api:order-42", "user:5:alice:order-42", "api:order-42",
        "user:3:bob:order-42");
    assertThat(api.ok("history", "{\"channel\":\"news:order\",\"limit\":-1}").path("publications")).hasSize(3);
  }

  @Test
  void unstoredPublicationsScopeTheirKeysToo() {
    publish("plain:order", "{\"by\":\"alice\"}", ALICE, "order-7");
    publish("plain:order", "{\"by\":\"backend\"}", null, "order-7");
    publish("plain:order", "{\"by\":\"backend again\"}", null, "order-7");
    publish("plain:order", "{\"last\":true}", null, null);
    Await.until("the last fan-out", WAIT, () -> frames("plain:order").stream().anyMatch(f -> f.contains("\"last\":true")));
    assertThat(frames("plain:order")).hasSize(3).anyMatch(f -> f.contains("\"by\":\"backend\"")).noneMatch(f -> f.contains("again"));
  }

  private static List<String> frames(String channel) {
    return api.fanouts.stream().filter(m -> m.channel().equals(channel)).map(PublishLimitsTest::frame).toList();
  }

  /** The JSON frame every subscriber of the channel is written for this fan-out message. */
  private static String frame(FanoutMessage m) {
    return JsonCodec.INSTANCE.push(new Push.Pub(m.channel(), m.publication())).toString();
  }

  /** The memory engine, recording every idempotency key it is asked to append with. */
  private static final class RecordingHistory implements HistoryEngine {
    final List<String> keys = new CopyOnWriteArrayList<>();
    private final MemoryHistory engine = new MemoryHistory();

    @Override
    public Future<AppendResult> append(String channel, Publication publication, StreamOptions options, String idempotencyKey) {
      if (idempotencyKey != null) keys.add(idempotencyKey);
      return engine.append(channel, publication, options, idempotencyKey);
    }

    @Override
    public Future<HistoryResult> read(String channel, HistoryQuery query, StreamOptions options) {
      return engine.read(channel, query, options);
    }

    @Override
    public Future<Void> remove(String channel) {
      return engine.remove(channel);
    }
  }
}
