package io.rebound.e2e;

import static io.rebound.testing.SdkClient.is;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.testing.Await;
import io.rebound.testing.Closer;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.Ports;
import io.rebound.testing.RawClient;
import io.rebound.testing.RedisServer;
import io.rebound.testing.RunningNode;
import io.rebound.testing.SdkClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Offline user sync (docs/EXTENSIONS.md §1): publications to a user's personal channel made while
 * the user has no connection arrive on connect, in order, once, without the client knowing any
 * offset; ephemeral ones never; a client can opt out; a long backlog is paced in batches.
 */
class UserSyncIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONFIG = """
      {"client_ping_interval": "20s", "client_pong_timeout": "5s",
       "namespaces": [{"name": "personal", "history_size": 1000, "history_ttl": "600s",
         "allow_user_limited_channels": true, "user_sync": true, "sync_batch_size": 10, "sync_interval": "150ms"}]}
      """;

  @RegisterExtension static final NodeExtension node = NodeExtension.of(CONFIG);
  @RegisterExtension final Closer open = new Closer();

  private static String personal(String user) {
    return "personal:#" + user;
  }

  private static String user(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A connection token whose {@code channels} claim subscribes the user to their personal channel (server-side). */
  private static String token(String user) {
    return node.sign(Map.of("sub", user, "exp", System.currentTimeMillis() / 1000 + 3600, "channels", List.of(personal(user))));
  }

  private RawClient connect(RunningNode on, String user, String extraConnectFields) {
    RawClient c = open.add(RawClient.open(node.clients(), on.port()).autoPong(false));
    JsonNode reply = c.call(1, "connect", "{\"token\":\"" + token(user) + "\"" + extraConnectFields + "}");
    assertThat(reply.has("connect")).as("connect reply %s", reply).isTrue();
    return c;
  }

  private static JsonNode subscribeResult(RawClient c, String user) {
    return c.reply(1).path("connect").path("subs").path(personal(user));
  }

  /** Answers the next ping — the acknowledgement of everything written before it — and waits until the pong is written. */
  private static void acknowledge(RawClient c, int pingNumber) {
    c.awaitPings(pingNumber, Duration.ofSeconds(10));
    c.send("{}");
  }

  private static List<Integer> numbers(JsonNode publications) {
    List<Integer> out = new ArrayList<>();
    for (JsonNode p : publications) out.add(p.path("data").path("n").asInt());
    return out;
  }

  private static List<Integer> pushedNumbers(RawClient c, String channel) {
    List<Integer> out = new ArrayList<>();
    for (JsonNode m : c.received()) {
      if (channel.equals(m.path("push").path("channel").asText()) && m.path("push").has("pub")) {
        out.add(m.path("push").path("pub").path("data").path("n").asInt());
      }
    }
    return out;
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> out = new ArrayList<>();
    for (int i = from; i <= to; i++) out.add(i);
    return out;
  }

  private static void publishEphemeral(RunningNode on, String channel, int n) {
    on.api("publish", Map.of("channel", channel, "data", Map.of("n", n), "sync", false));
  }

  @Test
  void offlinePublicationsArriveOnConnectOnceInOrderAndEphemeralOnesNever() {
    String alice = user("alice");
    String ch = personal(alice);
    for (int i = 1; i <= 3; i++) node.publish(ch, i);

    RawClient first = connect(node.running(), alice, "");
    JsonNode sub = subscribeResult(first, alice);
    assertThat(sub.path("recovered").asBoolean()).isTrue();
    assertThat(numbers(sub.path("publications"))).isEqualTo(range(1, 3));
    // Live while connected: an ephemeral publication is delivered, without an offset.
    publishEphemeral(node.running(), ch, 100);
    JsonNode live = first.push(ch, "pub");
    assertThat(live.path("data").path("n").asInt()).isEqualTo(100);
    assertThat(live.has("offset")).isFalse();
    acknowledge(first, 1);
    first.close();
    first.awaitClose();

    node.publish(ch, 4);
    node.publish(ch, 5);
    publishEphemeral(node.running(), ch, 6);
    node.publish(ch, 7);

    RawClient second = connect(node.running(), alice, "");
    JsonNode again = subscribeResult(second, alice);
    assertThat(again.path("was_recovering").asBoolean()).isTrue();
    assertThat(again.path("recovered").asBoolean()).isTrue();
    assertThat(numbers(again.path("publications"))).as("only what the user missed, no ephemeral one").containsExactly(4, 5, 7);
    assertThat(again.path("offset").asLong()).isEqualTo(3);
  }

  @Test
  void aClientCanOptOutOfTheInitialSync() {
    String bob = user("bob");
    String ch = personal(bob);
    for (int i = 1; i <= 3; i++) node.publish(ch, i);

    RawClient c = connect(node.running(), bob, ",\"sync\":false");
    JsonNode sub = subscribeResult(c, bob);
    assertThat(sub.has("publications")).isFalse();
    assertThat(sub.has("recovered")).isFalse();
    assertThat(sub.path("offset").asLong()).isEqualTo(3);
    node.publish(ch, 4);
    c.awaitCount("live publication 4", 1, m -> m.path("push").has("pub"));
    assertThat(pushedNumbers(c, ch)).containsExactly(4);
  }

  @Test
  void aBacklogLargerThanTheBatchIsPacedAndLivePublicationsWaitBehindIt() {
    String carol = user("carol");
    String ch = personal(carol);
    for (int i = 1; i <= 35; i++) node.publish(ch, i);

    FrameClient c = open.add(FrameClient.connect(node.clients(), node.port(), "{\"id\":1,\"connect\":{\"token\":\"" + token(carol) + "\"}}"));
    JsonNode reply = c.awaitMessage(m -> m.path("id").asLong() == 1);
    JsonNode sub = reply.path("connect").path("subs").path(ch);
    assertThat(numbers(sub.path("publications"))).as("first batch in the subscribe result").isEqualTo(range(1, 10));
    node.publish(ch, 36); // live, during the sync: must come after the backlog
    c.awaitMessages(26, m -> m.path("push").has("pub"));
    List<Integer> pushed = new ArrayList<>();
    for (JsonNode m : c.messages()) if (m.path("push").has("pub")) pushed.add(m.path("push").path("pub").path("data").path("n").asInt());
    assertThat(pushed).isEqualTo(range(11, 36));
    // Paced: no frame carries more than one batch of the backlog.
    List<Integer> perFrame = c.publicationsPerFrame();
    assertThat(perFrame).allMatch(n -> n <= 10);
    assertThat(perFrame.stream().filter(n -> n > 0).count()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void theCentrifugeSdkReceivesOfflinePublicationsThroughServerSideSubscriptions() {
    String dave = user("dave");
    String ch = personal(dave);
    for (int i = 1; i <= 3; i++) node.publish(ch, i);
    SdkClient sdk = open.add(SdkClient.driver("sync-" + dave, node.running(), token(dave), List.of(), false));
    sdk.until("3 offline publications", ev -> sdk.publications("client", ch).size() >= 3);
    node.publish(ch, 4);
    sdk.until("live publication 4", ev -> sdk.publications("client", ch).size() >= 4);
    assertThat(sdk.publications("client", ch).stream().map(e -> e.path("data").path("n").asInt()).toList()).isEqualTo(range(1, 4));
    assertThat(sdk.events(is("client", "subscribed", ch))).hasSize(1);
  }

  @Test
  void theAcknowledgedPositionSurvivesARestartWithTheRedisEngine() {
    try (RedisServer redis = RedisServer.start(true)) {
      String config = CONFIG.replace("{\"client_ping_interval\"", "{\"engine\": \"redis\", \"redis_address\": \"" + redis.address() + "\", \"client_ping_interval\"");
      int port = Ports.free();
      String erin = user("erin");
      String ch = personal(erin);
      try (RunningNode before = RunningNode.start(config, port)) {
        for (int i = 1; i <= 3; i++) before.publish(ch, i);
        RawClient c = connect(before, erin, "");
        assertThat(numbers(subscribeResult(c, erin).path("publications"))).isEqualTo(range(1, 3));
        acknowledge(c, 1);
        c.close();
        c.awaitClose();
      }
      try (RunningNode after = RunningNode.start(config, port)) {
        after.publish(ch, 4);
        RawClient c = connect(after, erin, "");
        JsonNode sub = subscribeResult(c, erin);
        assertThat(sub.path("recovered").asBoolean()).isTrue();
        assertThat(numbers(sub.path("publications"))).containsExactly(4);
        c.close();
      }
    }
  }

  /** A WebSocket client that keeps frame boundaries, to see how a backlog was batched; answers pings. */
  static final class FrameClient implements AutoCloseable {
    private final WebSocketClient client;
    private final WebSocket ws;
    private final List<List<JsonNode>> frames = new CopyOnWriteArrayList<>();

    private FrameClient(WebSocketClient client, WebSocket ws) {
      this.client = client;
      this.ws = ws;
    }

    static FrameClient connect(Vertx vertx, int port, String connectFrame) {
      WebSocketClient client = vertx.createWebSocketClient();
      WebSocket ws = Await.result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/connection/websocket")));
      FrameClient c = new FrameClient(client, ws);
      ws.textMessageHandler(text -> {
        List<JsonNode> frame = new ArrayList<>();
        boolean ping = false;
        for (String line : text.split("\n")) {
          try {
            JsonNode n = JSON.readTree(line);
            if (n.isEmpty()) ping = true;
            else frame.add(n);
          } catch (Exception e) {
            throw new AssertionError("bad JSON " + line, e);
          }
        }
        c.frames.add(frame);
        if (ping) ws.writeTextMessage("{}");
      });
      Await.result(ws.writeTextMessage(connectFrame));
      return c;
    }

    List<JsonNode> messages() {
      List<JsonNode> all = new ArrayList<>();
      for (List<JsonNode> f : frames) all.addAll(f);
      return all;
    }

    List<Integer> publicationsPerFrame() {
      List<Integer> out = new ArrayList<>();
      for (List<JsonNode> f : frames) out.add((int) f.stream().filter(m -> m.path("push").has("pub")).count());
      return out;
    }

    JsonNode awaitMessage(java.util.function.Predicate<JsonNode> filter) {
      return awaitMessages(1, filter).get(0);
    }

    List<JsonNode> awaitMessages(int count, java.util.function.Predicate<JsonNode> filter) {
      Await.until(count + " messages", Duration.ofSeconds(15), () -> messages().stream().filter(filter).count() >= count);
      return messages().stream().filter(filter).toList();
    }

    @Override
    public void close() {
      ws.close();
      client.close();
    }
  }
}
