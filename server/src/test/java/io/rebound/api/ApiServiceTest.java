package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.bus.ApiReply;
import io.rebound.core.ClientInfo;
import io.rebound.core.Publication;
import io.rebound.engine.FanoutMessage;
import io.rebound.engine.PresenceStore;
import io.rebound.engine.memory.MemoryPresence;
import io.rebound.protocol.ErrorCode;
import io.rebound.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The API registry without sockets: which names it knows, that each name reaches its method, and
 * how it answers bad calls, through the same event-bus door HTTP and the edges use.
 */
class ApiServiceTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static ApiFixture api;

  @BeforeAll
  static void start() {
    api = new ApiFixture(ApiFixture.stats(Map.of("news:one", 2, "plain:two", 1, "plain:three", 4)));
  }

  @AfterAll
  static void stop() {
    if (api != null) api.close();
  }

  private static ApiReply failed(String method, String params) {
    ApiReply reply = api.call(method, params);
    assertThat(reply.error()).as("%s %s answered %s", method, params, reply.result()).isNotNull();
    return reply;
  }

  @Test
  void theRegistryHoldsCentrifugosThirteenMethods() {
    assertThat(api.service.methods()).containsExactlyInAnyOrder("publish", "broadcast", "batch", "presence", "presence_stats",
        "history", "history_remove", "subscribe", "unsubscribe", "disconnect", "refresh", "info", "channels");
    assertThatThrownBy(() -> api.service.methods().add("frobnicate")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void everyRegisteredNameReachesAMethod() {
    for (String method : api.service.methods()) {
      ApiReply reply = api.call(method, "{}");
      if (reply.error() != null) {
        assertThat(reply.error().error()).as(method).isNotEqualTo(ErrorCode.METHOD_NOT_FOUND).isNotEqualTo(ErrorCode.INTERNAL);
      }
    }
  }

  @Test
  void anUnknownNameIs104AndGrowsNoMetricSeries() {
    ApiReply reply = failed("frobnicate", "{}");
    assertThat(reply.error().error()).isEqualTo(ErrorCode.METHOD_NOT_FOUND);
    assertThat(reply.error().getMessage()).isEqualTo("method not found");
    api.ok("info", "{}");
    // One counter per method name: names from callers (bus, batch, the legacy route) must not make new series.
    assertThat(api.metrics.scrape()).contains("method=\"info\"").doesNotContain("frobnicate");
  }

  @ParameterizedTest(name = "{0} {1}: {2}")
  @CsvSource(delimiter = '|', textBlock = """
      publish        | {"channel":"news:bad"}                                      | data required
      publish        | {"data":1}                                                  | channel required
      publish        | {"channel":"news:bad","data":1,"tags":[1]}                  | tags must be an object of strings
      broadcast      | {"channels":[],"data":1}                                    | channels required
      batch          | {"commands":{}}                                             | commands required
      batch          | {"commands":[{}]}                                           | empty batch command
      batch          | {"commands":[{"batch":{}}]}                                 | nested batch
      history        | {"channel":"news:bad","since":5}                            | bad since
      history        | {"channel":"news:bad","since":{"offset":-1}}                | bad since
      history        | {"channel":"news:bad","since":{"offset":0},"reverse":true}  | reverse needs since.offset > 0
      presence       | {}                                                          | channel required
      subscribe      | {"channel":"news:bad"}                                      | user required
      unsubscribe    | {"user":"u"}                                                | channel required
      disconnect     | {"client":"c"}                                              | user required
      refresh        | {}                                                          | user required
      """)
  void badParamsAre107(String method, String params, String message) {
    ApiReply reply = failed(method, params);
    assertThat(reply.error().error()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(reply.error().getMessage()).isEqualTo(message);
  }

  @Test
  void publishStoresThenFansOutTheRawPayloadOnce() {
    JsonNode r = api.ok("publish", "{\"channel\":\"news:pub\",\"data\":{\"v\":1.10}}");
    assertThat(r.path("offset").asLong()).isEqualTo(1);
    String epoch = r.path("epoch").asText();
    assertThat(epoch).isNotEmpty();
    FanoutMessage out = Await.value("fan-out", WAIT, () -> api.fanouts.stream().filter(m -> m.channel().equals("news:pub")).findFirst().orElse(null));
    assertThat(out.kind()).isEqualTo(FanoutMessage.Kind.PUBLICATION);
    assertThat(out.offset()).isEqualTo(1);
    assertThat(out.epoch()).isEqualTo(epoch);
    assertThat(out.publication().data().text()).isEqualTo("{\"v\":1.10}"); // the raw payload, byte for byte
    assertThat(out.publication().offset()).isEqualTo(1);
  }

  @Test
  void anUnstoredPublicationIsLiveOnlyAndItsIdempotencyKeyHolds() {
    assertThat(api.ok("publish", "{\"channel\":\"plain:idem\",\"data\":1,\"idempotency_key\":\"k\"}").size()).isZero();
    assertThat(api.ok("publish", "{\"channel\":\"plain:idem\",\"data\":2,\"idempotency_key\":\"k\"}").size()).isZero();
    api.ok("publish", "{\"channel\":\"plain:idem\",\"data\":3}");
    // Fan-out from one sender to one consumer keeps its order: once 3 is in, 2 would have been too.
    Await.until("the last publication is fanned out", WAIT, () -> publications("plain:idem").stream().anyMatch(p -> p.data().text().equals("3")));
    assertThat(publications("plain:idem")).hasSize(2).allSatisfy(p -> {
      assertThat(p.data().text()).isNotEqualTo("2");
      assertThat(p.offset()).isZero();
    });
  }

  private static List<Publication> publications(String channel) {
    return api.fanouts.stream().filter(m -> m.channel().equals(channel)).map(FanoutMessage::publication).toList();
  }

  @Test
  void broadcastAnswersPerChannelInOrder() {
    JsonNode responses = api.ok("broadcast", "{\"channels\":[\"news:b1\",\"nope:b\",\"plain:b\"],\"data\":{\"x\":1}}").path("responses");
    assertThat(responses).hasSize(3);
    assertThat(responses.get(0).path("result").path("offset").asLong()).isEqualTo(1);
    assertThat(responses.get(1).toString()).isEqualTo("{\"error\":{\"code\":102,\"message\":\"unknown channel\"}}");
    assertThat(responses.get(2).toString()).isEqualTo("{\"result\":{}}");
  }

  @Test
  void batchRunsInOrderAndKeysRepliesByMethod() {
    JsonNode replies = api.ok("batch", "{\"commands\":[{\"publish\":{\"channel\":\"news:batch\",\"data\":{\"a\":1}}},"
        + "{\"frob\":{}},{\"history\":{\"channel\":\"news:batch\",\"limit\":10}}]}").path("replies");
    assertThat(replies).hasSize(3);
    assertThat(replies.get(0).path("publish").path("offset").asLong()).isEqualTo(1);
    assertThat(replies.get(1).toString()).isEqualTo("{\"error\":{\"code\":104,\"message\":\"method not found\"}}");
    assertThat(replies.get(2).path("history").path("publications")).hasSize(1);
  }

  @Test
  void aBatchRefusedAsAWholeHasRunNoneOfItsCommands() {
    // Refused with 107, so the caller fixes and resends it: had the first publish run, it would be stored twice.
    ApiReply reply = failed("batch", "{\"commands\":[{\"publish\":{\"channel\":\"news:refused\",\"data\":1}},{\"batch\":{}}]}");
    assertThat(reply.error().getMessage()).isEqualTo("nested batch");
    assertThat(api.ok("history", "{\"channel\":\"news:refused\",\"limit\":-1}").path("offset").asLong()).as("stream top").isZero();
  }

  @Test
  void connectionMethodsAreControlMessagesToEveryEdge() {
    api.ok("subscribe", "{\"user\":\"u1\",\"channel\":\"news:ctl\"}");
    api.ok("unsubscribe", "{\"user\":\"u1\",\"client\":\"c1\",\"channel\":\"news:ctl\"}");
    api.ok("disconnect", "{\"user\":\"u1\",\"whitelist\":[\"c2\"]}");
    api.ok("refresh", "{\"user\":\"u1\",\"expire_at\":1234}");
    Await.until("four control messages", WAIT, () -> api.controls.stream().filter(c -> c.getString("user").equals("u1")).count() == 4);
    List<JsonObject> sent = api.controls.stream().filter(c -> c.getString("user").equals("u1")).toList();
    assertThat(sent.get(0)).isEqualTo(new JsonObject("{\"op\":\"subscribe\",\"user\":\"u1\",\"client\":\"\",\"channel\":\"news:ctl\"}"));
    assertThat(sent.get(1)).isEqualTo(new JsonObject("{\"op\":\"unsubscribe\",\"user\":\"u1\",\"client\":\"c1\",\"channel\":\"news:ctl\"}"));
    assertThat(sent.get(2)).isEqualTo(new JsonObject(
        "{\"op\":\"disconnect\",\"user\":\"u1\",\"client\":\"\",\"code\":3503,\"reason\":\"force disconnect\",\"whitelist\":[\"c2\"]}"));
    assertThat(sent.get(3)).isEqualTo(new JsonObject("{\"op\":\"refresh\",\"user\":\"u1\",\"client\":\"\",\"expired\":false,\"expire_at\":1234}"));
    assertThat(failed("subscribe", "{\"user\":\"u1\",\"channel\":\"nope:x\"}").error().error()).isEqualTo(ErrorCode.UNKNOWN_CHANNEL);
  }

  @Test
  void channelMethodsAnswerFromPresenceAndHistory() {
    String epoch = null;
    for (int i = 1; i <= 3; i++) epoch = api.ok("publish", "{\"channel\":\"news:hist\",\"data\":{\"i\":" + i + "}}").path("epoch").asText();
    JsonNode top = api.ok("history", "{\"channel\":\"news:hist\"}");
    assertThat(top.toString()).isEqualTo("{\"publications\":[],\"epoch\":\"" + epoch + "\",\"offset\":3}");
    JsonNode since = api.ok("history", "{\"channel\":\"news:hist\",\"limit\":1,\"since\":{\"offset\":1,\"epoch\":\"" + epoch + "\"}}");
    assertThat(since.path("publications").toString()).isEqualTo("[{\"data\":{\"i\":2},\"offset\":2}]");
    assertThat(failed("history", "{\"channel\":\"news:hist\",\"since\":{\"offset\":1,\"epoch\":\"other\"}}").error().error())
        .isEqualTo(ErrorCode.UNRECOVERABLE_POSITION);
    assertThat(failed("history", "{\"channel\":\"plain:hist\"}").error().error()).isEqualTo(ErrorCode.NOT_AVAILABLE);
    assertThat(api.ok("history_remove", "{\"channel\":\"news:hist\"}").size()).isZero();
    assertThat(api.ok("history", "{\"channel\":\"news:hist\",\"limit\":-1}").path("publications")).isEmpty();

    assertThat(api.ok("presence", "{\"channel\":\"news:nobody\"}").toString()).isEqualTo("{\"presence\":{}}");
    assertThat(api.ok("presence_stats", "{\"channel\":\"news:nobody\"}").toString()).isEqualTo("{\"num_clients\":0,\"num_users\":0}");
    assertThat(failed("presence_stats", "{\"channel\":\"plain:p\"}").error().error()).isEqualTo(ErrorCode.NOT_AVAILABLE);
  }

  @Test
  void nodeMethodsAnswerFromTheNodesStatistics() {
    JsonNode node = api.ok("info", "{}").path("nodes").get(0);
    assertThat(node.path("name").asText()).isEqualTo("unit");
    assertThat(node.path("num_clients").asInt()).isEqualTo(3);
    assertThat(node.path("num_channels").asInt()).isEqualTo(3);
    assertThat(node.has("channels")).as("the channel list stays out of info").isFalse();
    assertThat(api.ok("channels", "{\"pattern\":\"plain:t*\"}").toString())
        .isEqualTo("{\"channels\":{\"plain:three\":{\"num_clients\":4},\"plain:two\":{\"num_clients\":1}}}");
  }

  @Test
  void aHistoryEngineThatDoesNotAnswerIsATemporaryErrorThatSaysSo() {
    try (ApiFixture noHistory = new ApiFixture(new MemoryPresence(), ApiFixture.stats(Map.of()), false)) {
      for (String method : List.of("publish", "history", "history_remove")) {
        ApiReply reply = noHistory.call(method, "{\"channel\":\"news:down\",\"data\":1}");
        assertThat(reply.error()).as(method).isNotNull();
        assertThat(reply.error().error()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(reply.error().getMessage()).as(method).startsWith("history engine unavailable: ");
      }
      assertThat(noHistory.ok("publish", "{\"channel\":\"plain:up\",\"data\":1}").size()).as("live-only publishing goes on").isZero();
    }
  }

  @Test
  void anUnexpectedFailureIs100WithoutItsInternals() {
    try (ApiFixture failing = new ApiFixture(new FailingPresence(), ApiFixture.stats(Map.of()), true)) {
      ApiReply reply = failing.call("presence", "{\"channel\":\"news:p\"}");
      assertThat(reply.error().error()).isEqualTo(ErrorCode.INTERNAL);
      assertThat(reply.error().getMessage()).isEqualTo("internal server error");
      // Thrown rather than failed (as a shut-down Hazelcast instance does): still an answer, not a timeout.
      ApiReply thrown = failing.call("presence_stats", "{\"channel\":\"news:p\"}");
      assertThat(thrown.error().error()).isEqualTo(ErrorCode.INTERNAL);
    }
  }

  /** A presence store whose reads fail with something that is not a protocol error. */
  private static final class FailingPresence implements PresenceStore {
    @Override
    public Future<Void> add(String channel, ClientInfo info) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> remove(String channel, String clientId) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Map<String, ClientInfo>> get(String channel) {
      return Future.failedFuture(new IllegalStateException("store exploded at 10.0.0.7"));
    }

    @Override
    public Future<PresenceStats> stats(String channel) {
      throw new IllegalStateException("store exploded synchronously");
    }
  }
}
