package io.rebound.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.Closer;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.RunningNode;
import io.rebound.testing.StreamClient;
import io.rebound.testing.UniqueName;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bidirectional emulation at the protocol level, with a plain HTTP client: {@code
 * /connection/http_stream} and {@code /connection/sse} carry replies and pushes, {@code POST
 * /emulation} carries commands to the session the connect reply named; and the connection limits,
 * slow consumers, pings, message sizes and resumes work as over a WebSocket.
 */
class HttpStreamIT {

  static final String CONFIG = """
      {"namespaces": [{"name": "rec", "history_size": 100, "history_ttl": "600s", "force_recovery": true,
                       "allow_subscribe_for_client": true, "allow_publish_for_client": true, "allow_history_for_client": true}]}
      """;

  @RegisterExtension static final NodeExtension node = NodeExtension.of(CONFIG);
  @RegisterExtension final Closer open = new Closer();
  @RegisterExtension final UniqueName name = new UniqueName();

  private static Vertx clients() {
    return node.clients();
  }

  private StreamClient httpStream(RunningNode on, String connectJson) {
    return open.add(StreamClient.post(clients(), on.port(), "/connection/http_stream", connectJson, StreamClient.Framing.LINES));
  }

  private static String connect(RunningNode on, String user) {
    return "{\"id\":1,\"connect\":{\"token\":\"" + on.token(user) + "\",\"name\":\"test\"}}";
  }

  static Predicate<JsonNode> reply(long id) {
    return m -> m.path("id").asLong() == id;
  }

  static Predicate<JsonNode> pub(String channel) {
    return m -> m.path("push").path("channel").asText().equals(channel) && m.path("push").has("pub");
  }

  static Predicate<JsonNode> disconnect() {
    return m -> m.path("push").has("disconnect");
  }

  @Test
  void httpStreamTakesCommandsByEmulationAndStreamsRepliesAndPushes() {
    String ch = name.in("rec");
    StreamClient c = httpStream(node.running(), connect(node.running(), "alice"));
    assertThat(c.status()).isEqualTo(200);
    assertThat(c.header("X-Accel-Buffering")).isEqualTo("no");
    JsonNode connected = c.await("connect reply", reply(1)).path("connect");
    String session = connected.path("session").asText();
    String nodeId = connected.path("node").asText();
    assertThat(session).isNotEmpty();
    assertThat(nodeId).isNotEmpty();
    assertThat(connected.has("resume_window")).as("an emulated session is not resumable unless asked").isFalse();
    assertThat(connected.path("pong").asBoolean()).isTrue();

    int status = StreamClient.emulate(clients(), node.port(), session, nodeId, "{\"id\":2,\"subscribe\":{\"channel\":\"" + ch + "\"}}");
    assertThat(status).isEqualTo(204);
    assertThat(c.await("subscribe reply", reply(2)).path("subscribe").path("recoverable").asBoolean()).isTrue();
    node.publish(ch, 1);
    node.publish(ch, 2);
    List<JsonNode> pubs = c.awaitCount("two publications", 2, pub(ch));
    assertThat(pubs).extracting(p -> p.path("push").path("pub").path("data").path("n").asInt()).containsExactly(1, 2);

    // Two commands in one frame, as the SDK batches them.
    StreamClient.emulate(clients(), node.port(), session, nodeId,
        "{\"id\":3,\"publish\":{\"channel\":\"" + ch + "\",\"data\":{\"n\":3}}}\n{\"id\":4,\"publish\":{\"channel\":\"" + ch + "\",\"data\":{\"n\":4}}}");
    c.await("publish reply", reply(3));
    c.await("publish reply", reply(4));
    StreamClient.emulate(clients(), node.port(), session, nodeId, "{\"id\":5,\"history\":{\"channel\":\"" + ch + "\",\"limit\":10}}");
    JsonNode history = c.await("history reply", reply(5));
    assertThat(history.path("history").path("publications")).as("%s", history).hasSize(4);
  }

  @Test
  void sseCarriesTheSameAsEventsWithTheConnectInTheUrl() {
    String ch = name.in("rec");
    String commands = connect(node.running(), "bob");
    StreamClient c = open.add(StreamClient.get(clients(), node.port(),
        "/connection/sse?cf_connect=" + URLEncoder.encode(commands, StandardCharsets.UTF_8)));
    assertThat(c.status()).isEqualTo(200);
    assertThat(c.header("Content-Type")).startsWith("text/event-stream");
    JsonNode connected = c.await("connect reply", reply(1)).path("connect");
    StreamClient.emulate(clients(), node.port(), connected.path("session").asText(), connected.path("node").asText(),
        "{\"id\":2,\"subscribe\":{\"channel\":\"" + ch + "\"}}");
    c.await("subscribe reply", reply(2));
    node.publish(ch, 7);
    assertThat(c.await("publication", pub(ch)).path("push").path("pub").path("data").path("n").asInt()).isEqualTo(7);
  }

  /** SSE is JSON-only (as Centrifugo's): the Protobuf SDK's connect (bytes, in cf_connect as numbers) is refused before any stream opens. */
  @Test
  void sseRefusesProtobufBeforeOpeningAStream() {
    try (StreamClient numbers = StreamClient.get(clients(), node.port(), "/connection/sse?cf_connect=10,2,8,1")) {
      assertThat(numbers.status()).isEqualTo(400);
    }
    try (StreamClient binary = StreamClient.open(clients(), node.port(), HttpMethod.POST, "/connection/sse", "application/octet-stream",
        Buffer.buffer(new byte[] {2, 8, 1}), StreamClient.Framing.EVENTS, 0)) {
      assertThat(binary.status()).isEqualTo(415);
    }
  }

  @Test
  void emulationAnswersUnknownMalformedAndOversizedRequests() {
    assertThat(StreamClient.emulate(clients(), node.port(), "no-such-session", "", "{}")).isEqualTo(404);
    assertThat(StreamClient.emulate(clients(), node.port(), "s", "no-such-node", "{}")).as("a node not in the cluster").isEqualTo(404);
    try (StreamClient bad = StreamClient.post(clients(), node.port(), "/emulation", "{\"session\":", StreamClient.Framing.LINES)) {
      assertThat(bad.status()).isEqualTo(400);
    }
    String big = "{\"session\":\"s\",\"data\":\"" + "x".repeat(70_000) + "\"}";
    try (StreamClient tooBig = StreamClient.post(clients(), node.port(), "/emulation", big, StreamClient.Framing.LINES)) {
      assertThat(tooBig.status()).as("above emulation_max_request_body_size").isEqualTo(413);
    }
    try (StreamClient get = StreamClient.open(clients(), node.port(), HttpMethod.GET, "/connection/http_stream", null, null,
        StreamClient.Framing.LINES, 0)) {
      assertThat(get.status()).isEqualTo(405);
    }
  }

  @Test
  void connectionsAreCountedByTransportAndFormat() {
    StreamClient a = httpStream(node.running(), connect(node.running(), "carol"));
    a.await("connect reply", reply(1));
    String metrics = node.http().get("/metrics").text();
    assertThat(metrics).containsPattern("rebound_connections\\{format=\"json\",transport=\"http_stream\",?\\} [1-9]");
    JsonNode info = node.api("info", Map.of());
    assertThat(info.path("nodes").get(0).path("num_clients_by_transport").path("http_stream").path("json").asInt()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aResumedSessionIsAddressedOnItsNewStream() {
    String ch = name.in("rec");
    StreamClient first = httpStream(node.running(),
        "{\"id\":1,\"connect\":{\"token\":\"" + node.token("dave") + "\",\"resume_window\":30000}}");
    JsonNode connected = first.await("connect reply", reply(1)).path("connect");
    String session = connected.path("session").asText();
    assertThat(connected.path("resume_window").asLong()).isEqualTo(30000);
    StreamClient.emulate(clients(), node.port(), session, connected.path("node").asText(), "{\"id\":2,\"subscribe\":{\"channel\":\"" + ch + "\"}}");
    first.await("subscribe reply", reply(2));
    first.close(); // the stream drops: the session detaches
    node.publish(ch, 1);

    StreamClient second = httpStream(node.running(), "{\"id\":3,\"connect\":{\"token\":\"" + node.token("dave")
        + "\",\"resume_window\":30000,\"resume\":{\"session\":\"" + session + "\",\"received\":1}}}");
    JsonNode resumed = second.await("resume reply", reply(3)).path("connect");
    assertThat(resumed.path("resumed").asBoolean()).isTrue();
    assertThat(resumed.path("session").asText()).isEqualTo(session);
    assertThat(second.await("the missed publication, resent", pub(ch)).path("push").path("pub").path("data").path("n").asInt()).isEqualTo(1);
    assertThat(StreamClient.emulate(clients(), node.port(), session, resumed.path("node").asText(),
        "{\"id\":4,\"presence_stats\":{\"channel\":\"" + ch + "\"}}")).isEqualTo(204);
    second.await("a reply on the new stream", reply(4));
  }

  @Test
  void overTheConnectionLimitTheStreamCarriesDisconnect3504() {
    try (RunningNode limited = RunningNode.start("{\"client_connection_limit\": 1}")) {
      StreamClient first = httpStream(limited, connect(limited, "erin"));
      first.await("connect reply", reply(1));
      StreamClient second = httpStream(limited, connect(limited, "frank"));
      assertThat(second.await("disconnect", disconnect()).path("push").path("disconnect").path("code").asInt()).isEqualTo(3504);
      second.awaitEnd();
    }
  }

  @Test
  void aCommandOverTheMessageSizeLimitClosesWith1009() {
    try (RunningNode small = RunningNode.start("""
        {"websocket_message_size_limit": 1024, "namespaces": [{"name": "rec", "allow_publish_for_client": true}]}""")) {
      StreamClient c = httpStream(small, connect(small, "gina"));
      JsonNode connected = c.await("connect reply", reply(1)).path("connect");
      String publish = "{\"id\":2,\"publish\":{\"channel\":\"rec:x\",\"data\":\"" + "y".repeat(2000) + "\"}}";
      StreamClient.emulate(clients(), small.port(), connected.path("session").asText(), connected.path("node").asText(), publish);
      assertThat(c.await("disconnect", disconnect()).path("push").path("disconnect").path("code").asInt()).isEqualTo(1009);
      c.awaitEnd();
    }
  }

  @Test
  void pongsOverEmulationKeepTheStreamAndTheirAbsenceEndsIt() {
    try (RunningNode pinging = RunningNode.start("{\"client_ping_interval\": \"2s\", \"client_pong_timeout\": \"1s\"}")) {
      StreamClient answering = httpStream(pinging, connect(pinging, "hal"));
      StreamClient silent = httpStream(pinging, connect(pinging, "ivy"));
      JsonNode connected = answering.await("connect reply", reply(1)).path("connect");
      assertThat(connected.path("ping").asInt()).isEqualTo(2);
      silent.await("connect reply", reply(1));
      Predicate<JsonNode> ping = m -> m.isObject() && m.size() == 0;
      for (int i = 1; i <= 3; i++) {
        answering.awaitCount("ping " + i, i, ping);
        StreamClient.emulate(clients(), pinging.port(), connected.path("session").asText(), connected.path("node").asText(), "{}");
      }
      assertThat(silent.await("no pong", disconnect()).path("push").path("disconnect").path("code").asInt()).isEqualTo(3012);
      silent.awaitEnd();
      assertThat(answering.ended()).isFalse();
      assertThat(answering.received()).noneMatch(disconnect());
    }
  }

  @Test
  void aClientThatStopsReadingIsClosedAsSlowWithoutTheNodeBuffering() {
    try (RunningNode slow = RunningNode.start("""
        {"client_queue_max_size": 65536, "publication_size_limit": 32768,
         "namespaces": [{"name": "rec", "allow_subscribe_for_client": true}]}""")) {
      String ch = name.in("rec");
      StreamClient c = open.add(StreamClient.open(clients(), slow.port(), HttpMethod.POST, "/connection/http_stream", "application/json",
          Buffer.buffer(connect(slow, "jack")), StreamClient.Framing.LINES, 4096));
      JsonNode connected = c.await("connect reply", reply(1)).path("connect");
      StreamClient.emulate(clients(), slow.port(), connected.path("session").asText(), connected.path("node").asText(),
          "{\"id\":2,\"subscribe\":{\"channel\":\"" + ch + "\"}}");
      c.await("subscribe reply", reply(2));
      c.pause();
      String payload = "z".repeat(8000);
      // Far more than the queue, the in-flight window and the socket buffers hold together.
      for (int i = 0; i < 400 && slow.http().metric("rebound_slow_consumer_disconnects_total") < 1; i++) {
        slow.api("publish", Map.of("channel", ch, "data", Map.of("s", payload)));
      }
      io.rebound.testing.Await.until("slow consumer closed", java.time.Duration.ofSeconds(15),
          () -> slow.http().metric("rebound_slow_consumer_disconnects_total") >= 1);
    }
  }
}
