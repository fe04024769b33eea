package io.rebound.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.Await;
import io.rebound.testing.RawClient;
import io.rebound.testing.RunningNode;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lifecycle webhooks end to end on one node: real clients on the WebSocket, a real HTTP backend.
 * Every client's connect, subscribes, unsubscribes and disconnect arrive in order with the right
 * code; events during a backend outage arrive once it is back; a full buffer drops, counts and logs
 * once; a node that shuts down delivers the disconnects of its last clients.
 */
class WebhookIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private Vertx vertx;
  private WebhookBackend backend;
  private RunningNode node;
  private final List<RawClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    backend = WebhookBackend.start(vertx);
  }

  @AfterEach
  void stop() {
    clients.forEach(RawClient::close);
    if (node != null) node.close();
    backend.close();
    Await.result(vertx.close(), 30);
  }

  private void startNode(String extra) {
    node = RunningNode.start("""
        {"webhook_endpoint": "%s", "webhook_timeout": "1s", "webhook_retry_max_backoff": "300ms"%s,
         "namespaces": [{"name": "chat", "allow_subscribe_for_client": true}]}
        """.formatted(backend.url(), extra.isEmpty() ? "" : ", " + extra));
  }

  /** A connected client of {@code user}; returns its client id. */
  private String connect(String user) {
    RawClient c = RawClient.connected(vertx, node.port(), node.token(user));
    clients.add(c);
    return c.reply(1).path("connect").path("client").asText();
  }

  private RawClient client(int i) {
    return clients.get(i);
  }

  private static void subscribe(RawClient c, long id, String channel) {
    JsonNode reply = c.call(id, "subscribe", "{\"channel\":\"" + channel + "\"}");
    assertThat(reply.has("error")).as("subscribe %s: %s", channel, reply).isFalse();
  }

  private static void unsubscribe(RawClient c, long id, String channel) {
    c.call(id, "unsubscribe", "{\"channel\":\"" + channel + "\"}");
  }

  private List<JsonNode> disconnects(String client) {
    return backend.of(client).stream().filter(e -> e.path("type").asText().equals("disconnect")).toList();
  }

  @Test
  void everyClientsLifecycleArrivesInOrderWithItsDisconnectCode() {
    startNode("");
    String a = "chat:a-" + UUID.randomUUID();
    String b = "chat:b-" + UUID.randomUUID();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) ids.add(connect("user-" + i));
    for (int i = 0; i < 6; i++) {
      subscribe(client(i), 2, a);
      subscribe(client(i), 3, b);
      unsubscribe(client(i), 4, a);
    }
    // Three ways to end: the client closes, the server API disconnects the user, the server unsubscribes then the client closes.
    for (int i = 0; i < 2; i++) client(i).close((short) 1000);
    node.api("disconnect", Map.of("user", "user-2"));
    node.api("unsubscribe", Map.of("user", "user-3", "channel", b));
    backend.await("the server-side unsubscribe", 1, e -> e.path("client").asText().equals(ids.get(3))
        && e.path("type").asText().equals("unsubscribe") && e.path("channel").asText().equals(b), WAIT);
    client(3).close((short) 1000);

    for (int i = 0; i < 4; i++) {
      String id = ids.get(i);
      backend.await("disconnect of client " + i, 1, e -> e.path("client").asText().equals(id) && e.path("type").asText().equals("disconnect"), WAIT);
    }
    for (int i = 0; i < 3; i++) {
      String id = ids.get(i);
      assertThat(backend.story(id)).as("client %d", i).containsExactly("connect", "subscribe:" + a, "subscribe:" + b, "unsubscribe:" + a, "disconnect");
      assertThat(backend.of(id)).extracting(e -> e.path("seq").asInt()).containsExactly(0, 1, 2, 3, 4);
      assertThat(backend.of(id)).allMatch(e -> e.path("user").asText().equals("user-" + ids.indexOf(id)) && e.path("node").asText().equals(node.node().config().name()));
      assertThat(disconnects(id).get(0).path("channels")).extracting(JsonNode::asText).containsExactly(b);
    }
    assertThat(disconnects(ids.get(0)).get(0).path("code").asInt()).isEqualTo(3000);
    assertThat(disconnects(ids.get(0)).get(0).path("reason").asText()).isEqualTo("connection closed");
    assertThat(disconnects(ids.get(2)).get(0).path("code").asInt()).isEqualTo(3503);
    assertThat(backend.story(ids.get(3))).containsExactly("connect", "subscribe:" + a, "subscribe:" + b, "unsubscribe:" + a, "unsubscribe:" + b, "disconnect");
    assertThat(disconnects(ids.get(3)).get(0).path("channels")).isEmpty();
    for (int i = 4; i < 6; i++) {
      assertThat(backend.story(ids.get(i))).as("still connected").containsExactly("connect", "subscribe:" + a, "subscribe:" + b, "unsubscribe:" + a);
    }
  }

  @Test
  void eventsDuringABackendOutageArriveWhenItIsBackOnceEachAfterDeduplication() {
    startNode("");
    String ch = "chat:outage-" + UUID.randomUUID();
    String before = connect("early");
    backend.await("the early connect", 1, e -> e.path("client").asText().equals(before), WAIT);

    backend.goAway();
    List<String> during = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      during.add(connect("during-" + i));
      subscribe(client(i + 1), 2, ch);
    }
    for (int i = 0; i < 3; i++) client(i + 1).close((short) 1000);
    client(0).close((short) 1000);
    Await.until("the node retried against the closed port", WAIT,
        () -> node.node().metrics().scrape().contains("rebound_webhook_requests_total{outcome=\"error\"}"));
    backend.comeBack();

    for (int i = 0; i < 5; i++) {
      String id = during.get(i);
      List<String> expected = i < 3 ? List.of("connect", "subscribe:" + ch, "disconnect") : List.of("connect", "subscribe:" + ch);
      Await.until("events of client " + i, WAIT, () -> backend.story(id).equals(expected));
    }
    Await.until("the early client's disconnect", WAIT, () -> backend.story(before).equals(List.of("connect", "disconnect")));
    // De-duplicating by id is only safe if every copy of an id is the same event (a resend, not a new one).
    Map<String, Set<String>> versionsById = backend.events().stream().collect(
        Collectors.groupingBy(e -> e.path("id").asText(), Collectors.mapping(JsonNode::toString, Collectors.toSet())));
    assertThat(versionsById).as("one event per id, however often it was sent").allSatisfy((id, versions) -> assertThat(versions).hasSize(1));
  }

  @Test
  void aFullBufferDropsWithTheMetricAndOneLogLine() {
    startNode("\"webhook_buffer_size\": 10, \"webhook_batch_size\": 5");
    backend.mode(WebhookBackend.Mode.FAIL);
    try (LogCapture log = new LogCapture()) {
      for (int i = 0; i < 30; i++) connect("crowd-" + i);
      // 30 connects: one batch in flight (1 to 5 events), 10 waiting, the rest dropped on entry.
      int dropped = (int) droppedMetric();
      assertThat(dropped).isBetween(15, 19);
      assertThat(log.lines("event=webhook_buffer_full")).hasSize(1);
      assertThat(log.lines("event=webhook_buffer_full").get(0)).contains("ERROR", "buffer_size=10");

      backend.mode(WebhookBackend.Mode.OK);
      backend.await("the kept connects", 30 - dropped, e -> e.path("type").asText().equals("connect"), WAIT);
      assertThat(backend.distinct()).hasSize(30 - dropped);
      assertThat(log.lines("event=webhook_buffer_full")).hasSize(1);
    }
  }

  private double droppedMetric() {
    return node.node().metrics().scrape().lines().filter(l -> l.startsWith("rebound_webhook_events_dropped_total "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(0);
  }

  @Test
  void aResumableSessionDisconnectsWhenItsWindowEndsNotWhenItsSocketDrops() {
    startNode("");
    RawClient c = RawClient.open(vertx, node.port());
    clients.add(c);
    JsonNode reply = c.call(1, "connect", "{\"token\":\"" + node.token("resumer") + "\",\"resume_window\":1500}");
    String id = reply.path("connect").path("client").asText();
    assertThat(reply.path("connect").path("session").isTextual()).as("resumable: %s", reply).isTrue();
    backend.await("the connect", 1, e -> e.path("client").asText().equals(id), WAIT);

    long droppedAt = System.currentTimeMillis();
    c.close((short) 4000); // not a goodbye (1000): the session waits for a resume
    JsonNode d = backend.await("the disconnect once the window is over", 1,
        e -> e.path("client").asText().equals(id) && e.path("type").asText().equals("disconnect"), WAIT).get(0);
    assertThat(d.path("time").asLong() - droppedAt).as("reported when the window ended, not when the socket dropped").isGreaterThanOrEqualTo(1500);
    assertThat(backend.story(id)).containsExactly("connect", "disconnect");
  }

  @Test
  void aNodeThatShutsDownDeliversTheDisconnectsOfItsLastClients() {
    startNode("");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) ids.add(connect("last-" + i));
    backend.await("the connects", 5, e -> ids.contains(e.path("client").asText()), WAIT);
    node.close();
    node = null;
    // Delivered before close() returned, not eventually: the webhooks stop after the edges.
    for (String id : ids) {
      assertThat(disconnects(id)).as("disconnect of %s", id).hasSize(1);
      assertThat(disconnects(id).get(0).path("code").asInt()).isEqualTo(3001);
    }
  }
}
