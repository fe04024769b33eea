package io.rebound.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.testing.Await;
import io.rebound.testing.Closer;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.StreamClient;
import io.rebound.testing.UniqueName;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The unidirectional transports read with a plain HTTP client, as a script without an SDK would:
 * {@code POST /connection/uni_http_stream} with the connect request as the body (JSON lines back),
 * {@code GET /connection/uni_sse?cf_connect=<request>} (server-sent events). The client sends nothing
 * else: its subscriptions are the token's server-side ones, and after a reconnect it recovers what
 * it missed through the {@code subs} positions of its connect request. And {@code
 * /connection/uni_websocket}, whose connect request is the first message.
 */
class UniTransportsIT {

  static final String CONFIG = """
      {"uni_http_stream": true, "uni_sse": true, "uni_websocket": true, "client_ping_interval": "2s", "client_pong_timeout": "1s",
       "namespaces": [{"name": "srv", "history_size": 100, "history_ttl": "600s", "force_recovery": true}]}
      """;

  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final NodeExtension node = NodeExtension.of(CONFIG);
  @RegisterExtension final Closer open = new Closer();
  @RegisterExtension final UniqueName name = new UniqueName();

  /** Opens {@code transport} with {@code connectRequest} the way its plain client would. */
  private StreamClient uni(String transport, String connectRequest) {
    if (transport.equals("uni_sse")) {
      return open.add(StreamClient.get(node.clients(), node.port(),
          "/connection/uni_sse?cf_connect=" + URLEncoder.encode(connectRequest, StandardCharsets.UTF_8)));
    }
    return open.add(StreamClient.open(node.clients(), node.port(), HttpMethod.POST, "/connection/uni_http_stream", "application/json",
        Buffer.buffer(connectRequest), StreamClient.Framing.LINES, 0));
  }

  private String tokenFor(String user, String channel) {
    return node.running().sign(Map.of("sub", user, "exp", System.currentTimeMillis() / 1000 + 3600, "channels", List.of(channel)));
  }

  private static Predicate<JsonNode> connectPush() {
    return m -> m.has("connect");
  }

  private static Predicate<JsonNode> pub(String channel) {
    return m -> m.path("channel").asText().equals(channel) && m.has("pub");
  }

  private static List<Integer> numbers(List<JsonNode> pushes) {
    return pushes.stream().map(p -> p.path("pub").path("data").path("n").asInt()).toList();
  }

  private void serverSideSubscriptionRecoversThroughSubsPositions(String transport) throws Exception {
    String ch = name.in("srv");
    String token = tokenFor("alice", ch);
    StreamClient first = uni(transport, JSON.writeValueAsString(Map.of("token", token)));
    assertThat(first.status()).isEqualTo(200);
    JsonNode connected = first.await("connect push", connectPush()).path("connect");
    assertThat(connected.path("client").asText()).isNotEmpty();
    JsonNode sub = connected.path("subs").path(ch);
    assertThat(sub.path("recoverable").asBoolean()).as("the token's channel, subscribed by the server: %s", connected).isTrue();
    String epoch = sub.path("epoch").asText();
    node.publish(ch, 1);
    node.publish(ch, 2);
    List<JsonNode> live = first.awaitCount("two publications", 2, pub(ch));
    assertThat(numbers(live)).containsExactly(1, 2);
    long offset = live.get(1).path("pub").path("offset").asLong();
    assertThat(offset).isEqualTo(2);
    first.close(); // the client goes away

    node.publish(ch, 3);
    node.publish(ch, 4);
    String again = JSON.writeValueAsString(Map.of("token", token,
        "subs", Map.of(ch, Map.of("recover", true, "offset", offset, "epoch", epoch))));
    StreamClient second = uni(transport, again);
    JsonNode reconnected = second.await("connect push after the reconnect", connectPush()).path("connect");
    JsonNode recovered = reconnected.path("subs").path(ch);
    assertThat(recovered.path("recovered").asBoolean()).as("recovered: %s", reconnected).isTrue();
    assertThat(recovered.path("was_recovering").asBoolean()).isTrue();
    assertThat(numbers(iterate(recovered.path("publications")))).as("the missed publications, in the connect push").containsExactly(3, 4);
    node.publish(ch, 5);
    assertThat(second.await("live again", pub(ch)).path("pub").path("data").path("n").asInt()).isEqualTo(5);
  }

  private static List<JsonNode> iterate(JsonNode array) {
    List<JsonNode> out = new java.util.ArrayList<>();
    array.forEach(p -> out.add(JSON.createObjectNode().set("pub", p)));
    return out;
  }

  @Test
  void uniHttpStreamRecoversAServerSideSubscription() throws Exception {
    serverSideSubscriptionRecoversThroughSubsPositions("uni_http_stream");
  }

  @Test
  void uniSseRecoversAServerSideSubscription() throws Exception {
    serverSideSubscriptionRecoversThroughSubsPositions("uni_sse");
  }

  @Test
  void pingsAreEmptyObjectsThatNeedNoAnswer() throws Exception {
    StreamClient c = uni("uni_http_stream", JSON.writeValueAsString(Map.of("token", node.running().token("bob"))));
    JsonNode connected = c.await("connect push", connectPush()).path("connect");
    assertThat(connected.path("ping").asInt()).isEqualTo(2);
    assertThat(connected.path("pong").asBoolean()).as("no pong is expected").isFalse();
    // Two pings, each left unanswered past the 1 s pong timeout: the stream stays.
    c.awaitCount("two pings", 2, m -> m.isObject() && m.isEmpty());
    assertThat(c.ended()).isFalse();
    assertThat(c.received()).noneMatch(m -> m.has("disconnect"));
  }

  @Test
  void aRefusedConnectEndsTheStreamWithADisconnect() {
    StreamClient c = uni("uni_http_stream", "{\"token\":\"not-a-jwt\"}");
    JsonNode disconnect = c.await("disconnect", m -> m.has("disconnect")).path("disconnect");
    assertThat(disconnect.path("code").asInt()).isBetween(3500, 3999);
    c.awaitEnd();
  }

  @Test
  void aMalformedConnectRequestIsRefusedAndDisabledTransportsAre404() {
    try (StreamClient bad = StreamClient.open(node.clients(), node.port(), HttpMethod.POST, "/connection/uni_http_stream", "application/json",
        Buffer.buffer("[1,2]"), StreamClient.Framing.LINES, 0)) {
      assertThat(bad.status()).isEqualTo(400);
    }
    try (StreamClient plain = StreamClient.open(node.clients(), node.port(), HttpMethod.GET, "/connection/uni_websocket", null, null,
        StreamClient.Framing.LINES, 0)) {
      assertThat(plain.status()).as("uni_websocket without an upgrade").isEqualTo(400);
    }
  }

  @Test
  void uniWebSocketTakesTheConnectRequestAsItsFirstMessageAndSendsOnePushPerFrame() throws Exception {
    String ch = name.in("srv");
    List<JsonNode> frames = new CopyOnWriteArrayList<>();
    WebSocketClient client = node.clients().createWebSocketClient();
    try {
      WebSocket ws = Await.result(client.connect(node.port(), "127.0.0.1", "/connection/uni_websocket"));
      ws.textMessageHandler(text -> {
        try {
          frames.add(JSON.readTree(text)); // one JSON value per frame, or this throws
        } catch (Exception e) {
          frames.add(JSON.createObjectNode().put("unparsable", text));
        }
      });
      ws.writeTextMessage(JSON.writeValueAsString(Map.of("token", tokenFor("carol", ch))));
      Await.until("connect push", Duration.ofSeconds(15), () -> frames.stream().anyMatch(connectPush()));
      JsonNode connected = frames.stream().filter(connectPush()).findFirst().orElseThrow().path("connect");
      assertThat(connected.path("subs").has(ch)).as("%s", connected).isTrue();
      ws.writeTextMessage("{\"ignored\": true}"); // anything after the connect request is ignored
      node.publish(ch, 1);
      node.publish(ch, 2);
      Await.until("two publications", Duration.ofSeconds(15), () -> frames.stream().filter(pub(ch)).count() == 2);
      assertThat(numbers(frames.stream().filter(pub(ch)).toList())).containsExactly(1, 2);
      assertThat(frames).noneMatch(m -> m.has("unparsable") || m.has("disconnect"));
    } finally {
      Await.result(client.close());
    }
  }
}
