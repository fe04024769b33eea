package io.rebound.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.ApiClient;
import io.rebound.testing.Await;
import io.rebound.testing.RawClient;
import io.rebound.testing.RawSocket;
import io.rebound.testing.RunningNode;
import io.rebound.testing.StreamTamper;
import io.rebound.testing.TcpProxy;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Session resume (docs/EXTENSIONS.md §2) over the raw protocol. Connections go through a {@link
 * TcpProxy}, so a cut is a real TCP cut, and the proxy can lose bytes in flight in one direction
 * first: the test then knows exactly which messages and commands were lost, and checks that after
 * the resume every one of them was applied or delivered exactly once, in order.
 */
class SessionResumeIT {

  private static final String CONFIG = """
      {"client_resume_window": "10s", "client_resume_buffer_size": 32, "client_queue_max_size": 65536,
       "namespaces": [
         {"name": "feed", "allow_subscribe_for_client": true, "allow_publish_for_client": true,
          "allow_history_for_client": true, "presence": true,
          "history_size": 2000, "history_ttl": "300s", "force_recovery": true}
       ]}
      """;

  private static RunningNode node;
  private static Vertx clients;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    node = RunningNode.start(CONFIG);
    clients = Vertx.vertx();
    api = new ApiClient(node.port(), RunningNode.API_KEY);
  }

  @AfterAll
  static void stop() {
    if (clients != null) Await.result(clients.close());
    if (node != null) node.close();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static String connectParams(String user, long resumeWindow, String session, long received) {
    StringBuilder p = new StringBuilder("{\"token\":\"").append(node.token(user)).append('"');
    if (resumeWindow > 0) p.append(",\"resume_window\":").append(resumeWindow);
    if (session != null) p.append(",\"resume\":{\"session\":\"").append(session).append("\",\"received\":").append(received).append('}');
    return p.append('}').toString();
  }

  /** Connects with a resumable session; returns the connect result. */
  private static JsonNode connect(RawClient c, String user, long resumeWindow) {
    JsonNode r = c.call(1, "connect", connectParams(user, resumeWindow, null, 0));
    assertThat(r.has("connect")).as("connect reply %s", r).isTrue();
    return r.path("connect");
  }

  /** Connects asking to resume {@code session} after {@code received} processed messages; returns the connect result. */
  private static JsonNode resume(RawClient c, String user, String session, long received) {
    JsonNode r = c.call(1, "connect", connectParams(user, 30_000, session, received));
    assertThat(r.has("connect")).as("connect reply %s", r).isTrue();
    return r.path("connect");
  }

  private static JsonNode subscribe(RawClient c, long id, String channel) {
    JsonNode r = c.call(id, "subscribe", "{\"channel\":\"" + channel + "\"}");
    assertThat(r.has("subscribe")).as("subscribe reply %s", r).isTrue();
    return r.path("subscribe");
  }

  private static String publishCommand(long id, String channel, int c) {
    return "{\"id\":" + id + ",\"publish\":{\"channel\":\"" + channel + "\",\"data\":{\"c\":" + c + "}}}";
  }

  private static boolean isPub(JsonNode m, String channel) {
    return m.has("push") && channel.equals(m.path("push").path("channel").asText()) && m.path("push").has("pub");
  }

  /** Offsets of the publications on {@code channel} among {@code messages}, in arrival order. */
  private static List<Long> pubOffsets(List<JsonNode> messages, String channel) {
    List<Long> out = new ArrayList<>();
    for (JsonNode m : messages) if (isPub(m, channel)) out.add(m.path("push").path("pub").path("offset").asLong());
    return out;
  }

  /** The messages a client counts for resume on one connection: everything but pings and the connect reply. */
  private static List<JsonNode> afterConnectReply(RawClient c) {
    List<JsonNode> all = c.received();
    assertThat(all.get(0).has("connect")).as("first message is the connect reply: %s", all.get(0)).isTrue();
    return all.subList(1, all.size());
  }

  private static List<String> presence(String channel) {
    List<String> out = new ArrayList<>();
    node.api("presence", Map.of("channel", channel)).path("presence").fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static JsonNode history(String channel) {
    return node.api("history", Map.of("channel", channel, "limit", -1)).path("publications");
  }

  private static double deliveries() {
    return api.metric("rebound_deliveries_total");
  }

  /** Publishes {@code count} publications to {@code channel} with one batch call; returns their offsets. */
  private static List<Long> publishBatch(String channel, int count) {
    StringBuilder b = new StringBuilder("{\"commands\":[");
    for (int i = 0; i < count; i++) {
      if (i > 0) b.append(',');
      b.append("{\"publish\":{\"channel\":\"").append(channel).append("\",\"data\":{\"n\":").append(i).append("}}}");
    }
    JsonNode replies = api.ok("batch", b.append("]}").toString()).path("replies");
    List<Long> offsets = new ArrayList<>();
    for (JsonNode r : replies) offsets.add(r.path("publish").path("offset").asLong());
    return offsets;
  }

  // ---- accepted resume -------------------------------------------------------------------------

  @Test
  void twoWayTrafficAcrossACutIsAppliedAndDeliveredExactlyOnceInOrder() {
    String feed = "feed:two-way";
    String up = "feed:two-way-up";
    try (TcpProxy proxy = TcpProxy.start(clients, List.of(node.port()));
        RawClient first = RawClient.open(clients, proxy.port())) {
      JsonNode connected = connect(first, "tw", 30_000);
      String session = connected.path("session").asText();
      String clientId = connected.path("client").asText();
      assertThat(session).isNotEmpty();
      assertThat(connected.path("resume_window").asLong()).as("min(server 10s, asked 30s)").isEqualTo(10_000);
      assertThat(connected.has("resumed")).isFalse();
      subscribe(first, 2, feed);

      Map<Long, String> sent = new LinkedHashMap<>(); // command id → frame, as a client keeps them for resending
      List<Long> published = new ArrayList<>(); // offsets of the server's publications
      long id = 3;
      int c = 0;
      // Both ways, nothing lost.
      for (int i = 0; i < 5; i++) {
        published.add(node.publish(feed, published.size() + 1).path("offset").asLong());
        sent.put(id, publishCommand(id, up, ++c));
        first.send(sent.get(id++));
      }
      for (long i = 3; i < id; i++) first.reply(i); // replies may complete out of order
      first.awaitCount("5 publications", 5, m -> isPub(m, feed));

      // The server's bytes are lost from here: these publishes are applied, their replies never arrive.
      proxy.blackholeToClient();
      for (int i = 0; i < 3; i++) {
        sent.put(id, publishCommand(id, up, ++c));
        first.send(sent.get(id++));
      }
      long lastReceivedByServer = id - 1;
      Await.until("the server applied 8 client publishes", Duration.ofSeconds(10), () -> history(up).size() == 8);
      for (int i = 0; i < 5; i++) published.add(node.publish(feed, published.size() + 1).path("offset").asLong());

      // The client's bytes are lost too: these publishes never reach the server.
      proxy.blackholeToServer();
      for (int i = 0; i < 2; i++) {
        sent.put(id, publishCommand(id, up, ++c));
        first.send(sent.get(id++));
      }
      proxy.dropAll();
      first.awaitClose();
      assertThat(first.received().stream().filter(m -> m.path("id").asLong() >= 3).count())
          .as("replies the first connection got").isEqualTo(5);

      // Detached: publications keep being numbered into the session's buffer.
      for (int i = 0; i < 5; i++) published.add(node.publish(feed, published.size() + 1).path("offset").asLong());

      long received = first.count() - 1;
      try (RawClient second = RawClient.open(clients, proxy.port())) {
        JsonNode resumed = resume(second, "tw", session, received);
        assertThat(resumed.path("resumed").asBoolean()).as("resumed in %s", resumed).isTrue();
        assertThat(resumed.path("client").asText()).isEqualTo(clientId);
        assertThat(resumed.path("session").asText()).isEqualTo(session);
        assertThat(resumed.path("last_command").asLong()).isEqualTo(lastReceivedByServer);
        long lastCommand = resumed.path("last_command").asLong();
        for (Map.Entry<Long, String> e : sent.entrySet()) if (e.getKey() > lastCommand) second.send(e.getValue());
        for (int i = 0; i < 3; i++) published.add(node.publish(feed, published.size() + 1).path("offset").asLong());

        // Barrier: the reply to a fresh command comes after everything written before it.
        long barrier = id;
        second.call(barrier, "ping", "{}");
        long lastOffset = published.get(published.size() - 1);
        second.await("the last publication", m -> isPub(m, feed) && m.path("push").path("pub").path("offset").asLong() == lastOffset);
        second.call(barrier + 1, "ping", "{}");

        List<JsonNode> stream = new ArrayList<>(afterConnectReply(first));
        stream.addAll(afterConnectReply(second));
        assertThat(pubOffsets(stream, feed)).as("every server publication once, in offset order").isEqualTo(published);
        Map<Long, Integer> replies = new HashMap<>();
        for (JsonNode m : stream) if (m.has("id")) replies.merge(m.path("id").asLong(), 1, Integer::sum);
        for (long i = 2; i <= barrier + 1; i++) assertThat(replies.get(i)).as("replies to command %d", i).isEqualTo(1);
        assertThat(stream.stream().filter(m -> m.has("error")).toList()).isEmpty();
        assertThat(second.isClosed()).isFalse();
      }
      List<Integer> applied = new ArrayList<>();
      for (JsonNode p : history(up)) applied.add(p.path("data").path("c").asInt());
      List<Integer> expected = new ArrayList<>();
      for (int i = 1; i <= c; i++) expected.add(i);
      assertThat(applied).as("every client publish once, in order").isEqualTo(expected);
    }
  }

  @Test
  void aSessionResumesAgainAndAgainWithOneNumbering() {
    String feed = "feed:again";
    try (TcpProxy proxy = TcpProxy.start(clients, List.of(node.port()))) {
      List<RawClient> connections = new ArrayList<>();
      try {
        RawClient c = RawClient.open(clients, proxy.port());
        connections.add(c);
        JsonNode connected = connect(c, "again", 30_000);
        String session = connected.path("session").asText();
        subscribe(c, 2, feed);
        List<Long> published = new ArrayList<>();
        long received = 0;
        for (int round = 0; round < 3; round++) {
          for (int i = 0; i < 3; i++) published.add(node.publish(feed, published.size()).path("offset").asLong());
          c.awaitCount("first publication of the round", 1, m -> isPub(m, feed)); // some arrive, then the cut
          proxy.dropAll();
          c.awaitClose();
          received += c.count() - 1;
          for (int i = 0; i < 2; i++) published.add(node.publish(feed, published.size()).path("offset").asLong());
          c = RawClient.open(clients, proxy.port());
          connections.add(c);
          JsonNode resumed = resume(c, "again", session, received);
          assertThat(resumed.path("resumed").asBoolean()).as("round %d: %s", round, resumed).isTrue();
        }
        long last = published.get(published.size() - 1);
        RawClient current = c;
        current.await("the last publication", m -> isPub(m, feed) && m.path("push").path("pub").path("offset").asLong() == last);
        current.call(3, "ping", "{}");
        List<JsonNode> stream = new ArrayList<>();
        for (RawClient each : connections) stream.addAll(afterConnectReply(each));
        assertThat(pubOffsets(stream, feed)).isEqualTo(published);
      } finally {
        connections.forEach(RawClient::close);
      }
    }
  }

  @Test
  void halfOpenOldSocketIsClosedWith3000AndTheNewOneContinues() {
    String feed = "feed:half-open";
    try (RawClient old = RawClient.open(clients, node.port())) {
      JsonNode connected = connect(old, "half", 30_000);
      subscribe(old, 2, feed);
      node.publish(feed, 1);
      old.push(feed, "pub");
      long received = old.count() - 1;

      // The old socket is still open as far as the server knows.
      try (RawClient fresh = RawClient.open(clients, node.port())) {
        JsonNode resumed = resume(fresh, "half", connected.path("session").asText(), received);
        assertThat(resumed.path("resumed").asBoolean()).as("resumed in %s", resumed).isTrue();
        assertThat(resumed.path("client").asText()).isEqualTo(connected.path("client").asText());
        assertThat(old.awaitClose()).isEqualTo((short) 3000);

        long offset = node.publish(feed, 2).path("offset").asLong();
        assertThat(fresh.push(feed, "pub").path("offset").asLong()).isEqualTo(offset);
        assertThat(fresh.call(3, "ping", "{}").has("ping")).isTrue();
        assertThat(pubOffsets(afterConnectReply(fresh), feed)).containsExactly(offset);
        assertThat(pubOffsets(old.received(), feed)).hasSize(1);
      }
    }
  }

  @Test
  void resumeResendsAFullBufferWithoutOverflowingTheQueue() {
    // The buffer keeps client_queue_max_size bytes (here 32 messages of 2048 bytes = 65536): resending
    // all of them, plus the connect reply and the newlines between, must not count as a slow consumer.
    String feed = "feed:full-buffer";
    try (TcpProxy proxy = TcpProxy.start(clients, List.of(node.port()));
        RawClient first = RawClient.open(clients, proxy.port())) {
      JsonNode connected = connect(first, "full", 30_000);
      subscribe(first, 2, feed);
      long calibrationOffset = node.api("publish", Map.of("channel", feed, "data", Map.of("p", ""))).path("offset").asLong();
      first.push(feed, "pub");
      int emptyLength = first.length(first.count() - 1) - digits(calibrationOffset);
      proxy.dropAll();
      first.awaitClose();

      double before = deliveries();
      for (int i = 0; i < 32; i++) {
        long offset = calibrationOffset + 1 + i;
        String pad = "x".repeat(2048 - emptyLength - digits(offset));
        assertThat(node.api("publish", Map.of("channel", feed, "data", Map.of("p", pad))).path("offset").asLong()).isEqualTo(offset);
      }
      Await.until("32 publications numbered into the detached session", Duration.ofSeconds(10), () -> deliveries() >= before + 32);

      try (RawClient second = RawClient.open(clients, proxy.port())) {
        JsonNode resumed = resume(second, "full", connected.path("session").asText(), first.count() - 1);
        assertThat(resumed.path("resumed").asBoolean()).as("resumed in %s", resumed).isTrue();
        List<JsonNode> pubs = second.awaitCount("32 resent publications", 32, m -> isPub(m, feed));
        for (int i = 0; i < 32; i++) {
          assertThat(pubs.get(i).path("push").path("pub").path("offset").asLong()).isEqualTo(calibrationOffset + 1 + i);
          assertThat(second.length(i + 1)).as("message size the test meant").isEqualTo(2048);
        }
        assertThat(second.call(3, "ping", "{}").has("ping")).isTrue();
        assertThat(second.isClosed()).isFalse();
      }
    }
  }

  private static int digits(long n) {
    return Long.toString(n).length();
  }

  @Test
  void closeWithAnotherCodeThan1000KeepsTheSessionResumable() {
    String feed = "feed:close-4000";
    try (RawClient first = RawClient.open(clients, node.port())) {
      JsonNode connected = connect(first, "c4000", 30_000);
      subscribe(first, 2, feed);
      first.close((short) 4000);
      long offset = node.publish(feed, 1).path("offset").asLong();
      try (RawClient second = RawClient.open(clients, node.port())) {
        JsonNode resumed = resume(second, "c4000", connected.path("session").asText(), 1);
        assertThat(resumed.path("resumed").asBoolean()).as("resumed in %s", resumed).isTrue();
        assertThat(second.push(feed, "pub").path("offset").asLong()).isEqualTo(offset);
      }
    }
  }

  @Test
  void goodbyeRightBehindTheResumeEndsTheSession() {
    // The resume and a close 1000 arrive in one read: the socket is closed before the session's home
    // has answered. The session must still learn of the goodbye and end.
    String feed = "feed:resume-then-bye";
    try (RawClient first = RawClient.open(clients, node.port())) {
      JsonNode connected = connect(first, "rtb", 30_000);
      String session = connected.path("session").asText();
      subscribe(first, 2, feed);
      long received = first.count() - 1;
      first.close((short) 4000); // gone, not goodbye: the session detaches

      try (RawSocket s = RawSocket.open(node.port())) {
        s.write(RawSocket.text("{\"id\":1,\"connect\":" + connectParams("rtb", 30_000, session, received) + "}"), RawSocket.close(1000));
        Await.until("the session ended", Duration.ofSeconds(10), () -> presence(feed).isEmpty());
      }
      try (RawClient third = RawClient.open(clients, node.port())) {
        JsonNode refused = resume(third, "rtb", session, received);
        assertThat(refused.path("resumed").asBoolean()).isFalse();
      }
    }
  }

  // ---- refused resume --------------------------------------------------------------------------

  @Test
  void resumeAfterTheWindowIsRefusedAndChannelRecoveryTakesOver() {
    String feed = "feed:window";
    try (TcpProxy proxy = TcpProxy.start(clients, List.of(node.port()));
        RawClient first = RawClient.open(clients, proxy.port())) {
      JsonNode connected = connect(first, "win", 1000);
      assertThat(connected.path("resume_window").asLong()).as("min(server 10s, asked 1s)").isEqualTo(1000);
      JsonNode sub = subscribe(first, 2, feed);
      String epoch = sub.path("epoch").asText();
      for (int i = 1; i <= 3; i++) node.publish(feed, i);
      List<JsonNode> got = first.awaitCount("3 publications", 3, m -> isPub(m, feed));
      long position = got.get(2).path("push").path("pub").path("offset").asLong();
      assertThat(presence(feed)).containsExactly(connected.path("client").asText());

      proxy.dropAll();
      first.awaitClose();
      List<Long> missed = new ArrayList<>();
      for (int i = 4; i <= 7; i++) missed.add(node.publish(feed, i).path("offset").asLong());
      Await.until("the detached session ended with its window", Duration.ofSeconds(10), () -> presence(feed).isEmpty());

      try (RawClient second = RawClient.open(clients, proxy.port())) {
        JsonNode refused = resume(second, "win", connected.path("session").asText(), first.count() - 1);
        assertThat(refused.path("resumed").isBoolean()).isTrue();
        assertThat(refused.path("resumed").asBoolean()).isFalse();
        assertThat(refused.path("client").asText()).isNotEqualTo(connected.path("client").asText());
        assertThat(refused.path("session").asText()).isNotEmpty().isNotEqualTo(connected.path("session").asText());

        JsonNode recovered = second.call(2, "subscribe",
            "{\"channel\":\"" + feed + "\",\"recover\":true,\"offset\":" + position + ",\"epoch\":\"" + epoch + "\"}").path("subscribe");
        assertThat(recovered.path("recovered").asBoolean()).as("recovered in %s", recovered).isTrue();
        List<Long> replayed = new ArrayList<>();
        for (JsonNode p : recovered.path("publications")) replayed.add(p.path("offset").asLong());
        assertThat(replayed).isEqualTo(missed);
      }
    }
  }

  @Test
  void resumeFromAPositionTheBufferNoLongerHoldsIsRefusedAndEndsTheSession() {
    String feed = "feed:evicted";
    try (TcpProxy proxy = TcpProxy.start(clients, List.of(node.port()));
        RawClient first = RawClient.open(clients, proxy.port())) {
      JsonNode connected = connect(first, "evict", 30_000);
      subscribe(first, 2, feed);
      node.publish(feed, 1);
      first.push(feed, "pub");
      proxy.dropAll();
      first.awaitClose();

      double before = deliveries();
      publishBatch(feed, 40); // the buffer keeps 32 messages
      Await.until("40 publications numbered into the detached session", Duration.ofSeconds(10), () -> deliveries() >= before + 40);

      try (RawClient second = RawClient.open(clients, proxy.port())) {
        JsonNode refused = resume(second, "evict", connected.path("session").asText(), first.count() - 1);
        assertThat(refused.path("resumed").isBoolean()).isTrue();
        assertThat(refused.path("resumed").asBoolean()).isFalse();
        assertThat(refused.path("client").asText()).isNotEqualTo(connected.path("client").asText());
        // The old session is over: it left the channel.
        Await.until("the old session ended", Duration.ofSeconds(10), () -> presence(feed).isEmpty());
      }
    }
  }

  @Test
  void resumeWithAnotherUsersTokenIsRefusedAndLeavesTheSessionAlone() {
    String feed = "feed:victim";
    try (TcpProxy proxy = TcpProxy.start(clients, List.of(node.port()));
        RawClient alice = RawClient.open(clients, proxy.port())) {
      JsonNode connected = connect(alice, "alice", 30_000);
      String session = connected.path("session").asText();
      subscribe(alice, 2, feed);
      node.publish(feed, 1);
      alice.push(feed, "pub");

      // While alice is connected.
      try (RawClient mallory = RawClient.open(clients, node.port())) {
        JsonNode refused = resume(mallory, "mallory", session, alice.count() - 1);
        assertThat(refused.path("resumed").asBoolean()).isFalse();
        assertThat(refused.path("client").asText()).isNotEqualTo(connected.path("client").asText());
      }
      assertThat(alice.call(3, "ping", "{}").has("ping")).isTrue();
      assertThat(alice.isClosed()).isFalse();

      // While alice is detached.
      proxy.dropAll();
      alice.awaitClose();
      long offset = node.publish(feed, 2).path("offset").asLong();
      try (RawClient mallory = RawClient.open(clients, node.port())) {
        JsonNode refused = resume(mallory, "mallory", session, alice.count() - 1);
        assertThat(refused.path("resumed").asBoolean()).isFalse();
        assertThat(refused.path("client").asText()).isNotEqualTo(connected.path("client").asText());
        assertThat(afterConnectReply(mallory)).isEmpty();
      }
      try (RawClient back = RawClient.open(clients, proxy.port())) {
        JsonNode resumed = resume(back, "alice", session, alice.count() - 1);
        assertThat(resumed.path("resumed").asBoolean()).as("resumed in %s", resumed).isTrue();
        assertThat(resumed.path("client").asText()).isEqualTo(connected.path("client").asText());
        assertThat(back.push(feed, "pub").path("offset").asLong()).isEqualTo(offset);
      }
    }
  }

  @Test
  void clientCloseWith1000EndsTheSession() {
    String feed = "feed:goodbye";
    RawClient first = RawClient.open(clients, node.port());
    JsonNode connected = connect(first, "bye", 30_000);
    subscribe(first, 2, feed);
    assertThat(presence(feed)).hasSize(1);
    first.close((short) 1000);
    Await.until("the session ended", Duration.ofSeconds(10), () -> presence(feed).isEmpty());
    try (RawClient second = RawClient.open(clients, node.port())) {
      JsonNode refused = resume(second, "bye", connected.path("session").asText(), 1);
      assertThat(refused.path("resumed").asBoolean()).isFalse();
      assertThat(refused.path("client").asText()).isNotEqualTo(connected.path("client").asText());
    }
  }

  @Test
  void clientThatDoesNotAskForResumeGetsNoSessionFields() {
    try (RawClient c = RawClient.open(clients, node.port())) {
      JsonNode r = c.call(1, "connect", "{\"token\":\"" + node.token("plain") + "\"}").path("connect");
      assertThat(r.path("client").asText()).isNotEmpty();
      assertThat(r.has("session")).isFalse();
      assertThat(r.has("resume_window")).isFalse();
      assertThat(r.has("resumed")).isFalse();
      assertThat(r.has("last_command")).isFalse();
    }
  }

  // ---- what happens while detached -------------------------------------------------------------

  @Test
  void continuityLostWhileDetachedIsReportedAfterTheResume() {
    // A client without the discontinuity extension gets the unsubscribe push (2500) when a gap
    // cannot be filled; if it happens while the session is detached, the push is numbered into the
    // buffer like any message and resent on resume.
    String feed = "feed:gap-detached";
    try (TcpProxy proxy = TcpProxy.start(clients, List.of(node.port()));
        RawClient first = RawClient.open(clients, proxy.port())) {
      JsonNode connected = connect(first, "gapd", 30_000);
      subscribe(first, 2, feed);
      node.publish(feed, 1);
      first.push(feed, "pub");
      proxy.dropAll();
      first.awaitClose();

      double lost = api.metric("rebound_insufficient_state_total");
      try (StreamTamper tamper = StreamTamper.holdPositionedReads(node.node(), feed)) {
        StreamTamper.appendWithoutFanout(node.node(), feed, "{\"n\":\"never fanned out\"}");
        publishBatch(feed, 1100); // more than ChannelOrder.MAX_HELD behind the gap
        Await.until("the edge gave up on the gap", Duration.ofSeconds(10),
            () -> api.metric("rebound_insufficient_state_total") > lost);
      }

      try (RawClient second = RawClient.open(clients, proxy.port())) {
        JsonNode resumed = resume(second, "gapd", connected.path("session").asText(), first.count() - 1);
        assertThat(resumed.path("resumed").asBoolean()).as("resumed in %s", resumed).isTrue();
        JsonNode unsubscribe = second.push(feed, "unsubscribe");
        assertThat(unsubscribe.path("code").asInt()).isEqualTo(2500);
        assertThat(second.call(3, "ping", "{}").has("ping")).isTrue();
      }
    }
  }
}
