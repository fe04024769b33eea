package io.rebound.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.Await;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.RawClient;
import io.rebound.testing.RawSocket;
import io.rebound.testing.StreamTamper;
import io.rebound.testing.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Session resume (docs/EXTENSIONS.md §2) over the raw protocol. Connections go through a {@link
 * TcpProxy} ({@link ResumableSession}), so a cut is a real TCP cut, and the proxy can lose bytes in
 * flight in one direction first: the test then knows exactly which messages and commands were lost,
 * and checks that after the resume every one of them was applied or delivered exactly once, in order.
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

  @RegisterExtension static final NodeExtension node = NodeExtension.of(CONFIG);

  // ---- helpers ---------------------------------------------------------------------------------

  private static String publishCommand(long id, String channel, int c) {
    return "{\"id\":" + id + ",\"publish\":{\"channel\":\"" + channel + "\",\"data\":{\"c\":" + c + "}}}";
  }

  private static boolean isPub(JsonNode m, String channel, long offset) {
    return RawClient.isPush(m, channel, "pub") && m.path("push").path("pub").path("offset").asLong() == offset;
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
    return node.http().metric("rebound_deliveries_total");
  }

  /** Waits until {@code count} more deliveries were counted than {@code before}: messages numbered into a detached session. */
  private static void awaitDeliveries(double before, int count) {
    Await.until(count + " publications numbered into the detached session", Duration.ofSeconds(10), () -> deliveries() >= before + count);
  }

  /** A session subscribed to {@code feed} that received one publication there, then was cut (detached on the server). */
  private static ResumableSession detachedAfterOnePublication(String user, String feed) {
    ResumableSession s = ResumableSession.connect(node, user, 30_000);
    s.subscribe(feed);
    s.publishAndReceive(feed, 1);
    s.cut();
    return s;
  }

  private static void assertRefused(JsonNode refused, ResumableSession s) {
    assertThat(refused.path("resumed").isBoolean()).as("resumed in %s", refused).isTrue();
    assertThat(refused.path("resumed").asBoolean()).isFalse();
    assertThat(refused.path("client").asText()).isNotEqualTo(s.clientId());
  }

  // ---- accepted resume -------------------------------------------------------------------------

  @Test
  void twoWayTrafficAcrossACutIsAppliedAndDeliveredExactlyOnceInOrder() {
    String feed = "feed:two-way";
    String up = "feed:two-way-up";
    try (ResumableSession s = ResumableSession.connect(node, "tw", 30_000)) {
      JsonNode connected = s.connected();
      assertThat(s.id()).isNotEmpty();
      assertThat(connected.path("resume_window").asLong()).as("min(server 10s, asked 30s)").isEqualTo(10_000);
      assertThat(connected.has("resumed")).isFalse();
      s.subscribe(feed);
      RawClient first = s.current();

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
      first.awaitCount("5 publications", 5, m -> RawClient.isPush(m, feed, "pub"));

      // The server's bytes are lost from here: these publishes are applied, their replies never arrive.
      s.proxy().blackholeToClient();
      for (int i = 0; i < 3; i++) {
        sent.put(id, publishCommand(id, up, ++c));
        first.send(sent.get(id++));
      }
      long lastReceivedByServer = id - 1;
      Await.until("the server applied 8 client publishes", Duration.ofSeconds(10), () -> history(up).size() == 8);
      for (int i = 0; i < 5; i++) published.add(node.publish(feed, published.size() + 1).path("offset").asLong());

      // The client's bytes are lost too: these publishes never reach the server.
      s.proxy().blackholeToServer();
      for (int i = 0; i < 2; i++) {
        sent.put(id, publishCommand(id, up, ++c));
        first.send(sent.get(id++));
      }
      s.cut();
      assertThat(first.received().stream().filter(m -> m.path("id").asLong() >= 3).count())
          .as("replies the first connection got").isEqualTo(5);

      // Detached: publications keep being numbered into the session's buffer.
      for (int i = 0; i < 5; i++) published.add(node.publish(feed, published.size() + 1).path("offset").asLong());

      JsonNode resumed = s.resumeAccepted();
      RawClient second = s.current();
      assertThat(resumed.path("client").asText()).isEqualTo(s.clientId());
      assertThat(resumed.path("session").asText()).isEqualTo(s.id());
      assertThat(resumed.path("last_command").asLong()).isEqualTo(lastReceivedByServer);
      long lastCommand = resumed.path("last_command").asLong();
      for (Map.Entry<Long, String> e : sent.entrySet()) if (e.getKey() > lastCommand) second.send(e.getValue());
      for (int i = 0; i < 3; i++) published.add(node.publish(feed, published.size() + 1).path("offset").asLong());

      // Barrier: the reply to a fresh command comes after everything written before it.
      long barrier = id;
      second.call(barrier, "ping", "{}");
      long lastOffset = published.get(published.size() - 1);
      second.await("the last publication", m -> isPub(m, feed, lastOffset));
      second.call(barrier + 1, "ping", "{}");

      List<JsonNode> stream = s.stream();
      assertThat(RawClient.pubOffsets(stream, feed)).as("every server publication once, in offset order").isEqualTo(published);
      Map<Long, Integer> replies = new HashMap<>();
      for (JsonNode m : stream) if (m.has("id")) replies.merge(m.path("id").asLong(), 1, Integer::sum);
      for (long i = 2; i <= barrier + 1; i++) assertThat(replies.get(i)).as("replies to command %d", i).isEqualTo(1);
      assertThat(stream.stream().filter(m -> m.has("error")).toList()).isEmpty();
      assertThat(second.isClosed()).isFalse();
    }
    List<Integer> applied = new ArrayList<>();
    for (JsonNode p : history(up)) applied.add(p.path("data").path("c").asInt());
    List<Integer> expected = new ArrayList<>();
    for (int i = 1; i <= 10; i++) expected.add(i); // 5 + 3 applied while connected, 2 resent after the resume
    assertThat(applied).as("every client publish once, in order").isEqualTo(expected);
  }

  @Test
  void aSessionResumesAgainAndAgainWithOneNumbering() {
    String feed = "feed:again";
    try (ResumableSession s = ResumableSession.connect(node, "again", 30_000)) {
      s.subscribe(feed);
      List<Long> published = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 3; i++) published.add(node.publish(feed, published.size()).path("offset").asLong());
        s.current().awaitCount("first publication of the round", 1, m -> RawClient.isPush(m, feed, "pub")); // some arrive, then the cut
        s.cut();
        for (int i = 0; i < 2; i++) published.add(node.publish(feed, published.size()).path("offset").asLong());
        assertThat(s.resume().path("resumed").asBoolean()).as("round %d", round).isTrue();
      }
      long last = published.get(published.size() - 1);
      s.current().await("the last publication", m -> isPub(m, feed, last));
      s.current().call(3, "ping", "{}");
      assertThat(RawClient.pubOffsets(s.stream(), feed)).isEqualTo(published);
    }
  }

  @Test
  void halfOpenOldSocketIsClosedWith3000AndTheNewOneContinues() {
    String feed = "feed:half-open";
    try (ResumableSession s = ResumableSession.connect(node, "half", 30_000)) {
      s.subscribe(feed);
      s.publishAndReceive(feed, 1);
      RawClient old = s.current();

      // The old socket is still open as far as the server knows.
      JsonNode resumed = s.resumeAccepted();
      RawClient fresh = s.current();
      assertThat(resumed.path("client").asText()).isEqualTo(s.clientId());
      assertThat(old.awaitClose()).isEqualTo((short) 3000);

      long offset = node.publish(feed, 2).path("offset").asLong();
      assertThat(fresh.push(feed, "pub").path("offset").asLong()).isEqualTo(offset);
      assertThat(fresh.call(3, "ping", "{}").has("ping")).isTrue();
      assertThat(fresh.pubOffsets(feed)).containsExactly(offset);
      assertThat(old.pubOffsets(feed)).hasSize(1);
    }
  }

  @Test
  void resumeResendsAFullBufferWithoutOverflowingTheQueue() {
    // The buffer keeps client_queue_max_size bytes (here 32 messages of 2048 bytes = 65536): resending
    // all of them, plus the connect reply and the newlines between, must not count as a slow consumer.
    String feed = "feed:full-buffer";
    try (ResumableSession s = ResumableSession.connect(node, "full", 30_000)) {
      s.subscribe(feed);
      RawClient first = s.current();
      long calibrationOffset = node.api("publish", Map.of("channel", feed, "data", Map.of("p", ""))).path("offset").asLong();
      first.push(feed, "pub");
      int emptyLength = first.length(first.count() - 1) - digits(calibrationOffset);
      s.cut();

      double before = deliveries();
      for (int i = 0; i < 32; i++) {
        long offset = calibrationOffset + 1 + i;
        String pad = "x".repeat(2048 - emptyLength - digits(offset));
        assertThat(node.api("publish", Map.of("channel", feed, "data", Map.of("p", pad))).path("offset").asLong()).isEqualTo(offset);
      }
      awaitDeliveries(before, 32);

      s.resumeAccepted();
      RawClient second = s.current();
      List<JsonNode> pubs = second.awaitCount("32 resent publications", 32, m -> RawClient.isPush(m, feed, "pub"));
      for (int i = 0; i < 32; i++) {
        assertThat(pubs.get(i).path("push").path("pub").path("offset").asLong()).isEqualTo(calibrationOffset + 1 + i);
        assertThat(second.length(i + 1)).as("message size the test meant").isEqualTo(2048);
      }
      assertThat(second.call(3, "ping", "{}").has("ping")).isTrue();
      assertThat(second.isClosed()).isFalse();
    }
  }

  private static int digits(long n) {
    return Long.toString(n).length();
  }

  @Test
  void closeWithAnotherCodeThan1000KeepsTheSessionResumable() {
    String feed = "feed:close-4000";
    try (ResumableSession s = ResumableSession.connect(node, "c4000", 30_000)) {
      s.subscribe(feed);
      s.current().close((short) 4000);
      long offset = node.publish(feed, 1).path("offset").asLong();
      s.resumeAccepted();
      assertThat(s.current().push(feed, "pub").path("offset").asLong()).isEqualTo(offset);
    }
  }

  @Test
  void goodbyeRightBehindTheResumeEndsTheSession() throws Exception {
    // The resume and a close 1000 arrive in one read: the socket is closed before the session's home
    // has answered. The session must still learn of the goodbye and end.
    String feed = "feed:resume-then-bye";
    try (ResumableSession s = ResumableSession.connect(node, "rtb", 30_000)) {
      s.subscribe(feed);
      s.current().close((short) 4000); // gone, not goodbye: the session detaches

      try (RawSocket raw = RawSocket.open(node.port())) {
        raw.write(RawSocket.text("{\"id\":1,\"connect\":" + s.resumeParams() + "}"), RawSocket.close(1000));
        Await.until("the session ended", Duration.ofSeconds(10), () -> presence(feed).isEmpty());
      }
      assertThat(s.resume().path("resumed").asBoolean()).isFalse();
    }
  }

  // ---- refused resume --------------------------------------------------------------------------

  @Test
  void resumeAfterTheWindowIsRefusedAndChannelRecoveryTakesOver() {
    String feed = "feed:window";
    try (ResumableSession s = ResumableSession.connect(node, "win", 1000)) {
      assertThat(s.connected().path("resume_window").asLong()).as("min(server 10s, asked 1s)").isEqualTo(1000);
      String epoch = s.subscribe(feed).path("epoch").asText();
      for (int i = 1; i <= 3; i++) node.publish(feed, i);
      List<JsonNode> got = s.current().awaitCount("3 publications", 3, m -> RawClient.isPush(m, feed, "pub"));
      long position = got.get(2).path("push").path("pub").path("offset").asLong();
      assertThat(presence(feed)).containsExactly(s.clientId());

      s.cut();
      List<Long> missed = new ArrayList<>();
      for (int i = 4; i <= 7; i++) missed.add(node.publish(feed, i).path("offset").asLong());
      Await.until("the detached session ended with its window", Duration.ofSeconds(10), () -> presence(feed).isEmpty());

      JsonNode refused = s.resume();
      assertRefused(refused, s);
      assertThat(refused.path("session").asText()).isNotEmpty().isNotEqualTo(s.id());

      JsonNode recovered = s.current().call(2, "subscribe",
          "{\"channel\":\"" + feed + "\",\"recover\":true,\"offset\":" + position + ",\"epoch\":\"" + epoch + "\"}").path("subscribe");
      assertThat(recovered.path("recovered").asBoolean()).as("recovered in %s", recovered).isTrue();
      List<Long> replayed = new ArrayList<>();
      for (JsonNode p : recovered.path("publications")) replayed.add(p.path("offset").asLong());
      assertThat(replayed).isEqualTo(missed);
    }
  }

  @Test
  void resumeFromAPositionTheBufferNoLongerHoldsIsRefusedAndEndsTheSession() {
    String feed = "feed:evicted";
    try (ResumableSession s = detachedAfterOnePublication("evict", feed)) {

      double before = deliveries();
      node.http().publishBatch(feed, 40); // the buffer keeps 32 messages
      awaitDeliveries(before, 40);

      assertRefused(s.resume(), s);
      // The old session is over: it left the channel.
      Await.until("the old session ended", Duration.ofSeconds(10), () -> presence(feed).isEmpty());
    }
  }

  @Test
  void resumeWithAnotherUsersTokenIsRefusedAndLeavesTheSessionAlone() {
    String feed = "feed:victim";
    try (ResumableSession alice = ResumableSession.connect(node, "alice", 30_000)) {
      alice.subscribe(feed);
      alice.publishAndReceive(feed, 1);

      // While alice is connected.
      try (RawClient mallory = node.open()) {
        assertRefused(alice.resumeFrom(mallory, "mallory"), alice);
      }
      assertThat(alice.current().call(3, "ping", "{}").has("ping")).isTrue();
      assertThat(alice.current().isClosed()).isFalse();

      // While alice is detached.
      alice.cut();
      long offset = node.publish(feed, 2).path("offset").asLong();
      try (RawClient mallory = node.open()) {
        assertRefused(alice.resumeFrom(mallory, "mallory"), alice);
        assertThat(mallory.received()).as("nothing but the connect reply").hasSize(1);
      }
      JsonNode resumed = alice.resumeAccepted();
      assertThat(resumed.path("client").asText()).isEqualTo(alice.clientId());
      assertThat(alice.current().push(feed, "pub").path("offset").asLong()).isEqualTo(offset);
    }
  }

  @Test
  void clientCloseWith1000EndsTheSession() {
    String feed = "feed:goodbye";
    try (ResumableSession s = ResumableSession.connect(node, "bye", 30_000)) {
      s.subscribe(feed);
      assertThat(presence(feed)).hasSize(1);
      s.current().close((short) 1000);
      Await.until("the session ended", Duration.ofSeconds(10), () -> presence(feed).isEmpty());
      assertRefused(s.resume(), s);
    }
  }

  @Test
  void clientThatDoesNotAskForResumeGetsNoSessionFields() {
    try (RawClient c = node.open()) {
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
    try (ResumableSession s = detachedAfterOnePublication("gapd", feed)) {

      double lost = node.http().metric("rebound_insufficient_state_total");
      try (StreamTamper tamper = StreamTamper.holdPositionedReads(node.node(), feed)) {
        StreamTamper.appendWithoutFanout(node.node(), feed, "{\"n\":\"never fanned out\"}");
        node.http().publishBatch(feed, 1100); // more than ChannelOrder.MAX_HELD behind the gap
        Await.until("the edge gave up on the gap", Duration.ofSeconds(10),
            () -> node.http().metric("rebound_insufficient_state_total") > lost);
      }

      s.resumeAccepted();
      JsonNode unsubscribe = s.current().push(feed, "unsubscribe");
      assertThat(unsubscribe.path("code").asInt()).isEqualTo(2500);
      assertThat(s.current().call(3, "ping", "{}").has("ping")).isTrue();
    }
  }
}
