package io.rebound.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.auth.JwtSigner;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.RawClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client protocol over a real socket, frame by frame, against one node. */
class RawProtocolIT {

  private static final String CONFIG = """
      {"client_ping_interval": "2s", "client_pong_timeout": "1s", "client_stale_close_delay": "1s",
       "client_channel_limit": 3, "websocket_message_size_limit": 4096,
       "client_recovery_max_publication_limit": 20, "client_history_max_publication_limit": 50,
       "namespaces": [
         {"name": "open", "allow_subscribe_for_client": true, "allow_publish_for_client": true,
          "presence": true, "allow_presence_for_client": true, "join_leave": true, "force_push_join_leave": true},
         {"name": "hist", "allow_subscribe_for_client": true, "allow_history_for_client": true,
          "history_size": 5, "history_ttl": "300s", "force_recovery": true},
         {"name": "nohist", "allow_subscribe_for_client": true, "allow_history_for_client": true},
         {"name": "closed"}
       ]}
      """;

  @RegisterExtension static final NodeExtension node = NodeExtension.of(CONFIG);

  private static int errorCode(JsonNode reply) {
    assertThat(reply.has("error")).as("error reply expected: %s", reply).isTrue();
    return reply.path("error").path("code").asInt();
  }

  // ---- connect ---------------------------------------------------------------------------------

  @Test
  void connectReplyHasClientPingPongAndExpiry() {
    try (RawClient c = node.open()) {
      JsonNode r = c.call(1, "connect", "{\"token\":\"" + node.token("alice") + "\",\"name\":\"js\",\"flag\":1}").path("connect");
      assertThat(r.path("client").asText()).isNotEmpty();
      assertThat(r.path("ping").asInt()).isEqualTo(2);
      assertThat(r.path("pong").asBoolean()).isTrue();
      assertThat(r.path("expires").asBoolean()).isTrue();
      assertThat(r.path("ttl").asLong()).isBetween(3590L, 3600L);
    }
  }

  @Test
  void tokenWithoutExpHasNoExpiry() {
    try (RawClient c = node.open()) {
      JsonNode r = c.call(1, "connect", "{\"token\":\"" + node.sign(Map.of("sub", "bob")) + "\"}").path("connect");
      assertThat(r.path("client").asText()).isNotEmpty();
      assertThat(r.has("expires")).isFalse();
      assertThat(r.has("ttl")).isFalse();
    }
  }

  @Test
  void connectAndSubscribeBatchedInOneFrameGetBothReplies() {
    try (RawClient c = node.open()) {
      c.send("{\"connect\":{\"token\":\"" + node.token("u1") + "\",\"name\":\"js\"},\"id\":1}\n"
          + "{\"subscribe\":{\"channel\":\"open:batched\",\"flag\":1},\"id\":2}\n");
      assertThat(c.reply(1).has("connect")).isTrue();
      assertThat(c.reply(2).has("subscribe")).isTrue();
    }
  }

  @Test
  void noTokenIsClosedWithBadRequest() {
    try (RawClient c = node.open()) {
      c.send("{\"id\":1,\"connect\":{}}");
      assertThat(c.awaitClose()).isEqualTo((short) 3501);
    }
  }

  @Test
  void invalidSignatureIsClosedWithInvalidToken() {
    String forged = new JwtSigner("another-secret").connectionToken("mallory", 3600);
    try (RawClient c = node.open()) {
      c.send("{\"id\":1,\"connect\":{\"token\":\"" + forged + "\"}}");
      assertThat(c.awaitClose()).isEqualTo((short) 3500);
      assertThat(c.closeReason()).isEqualTo("invalid token");
    }
  }

  @Test
  void expiredTokenGetsErrorReply109() {
    String expired = node.sign(Map.of("sub", "late", "exp", System.currentTimeMillis() / 1000 - 60));
    try (RawClient c = node.open()) {
      JsonNode r = c.call(1, "connect", "{\"token\":\"" + expired + "\"}");
      assertThat(errorCode(r)).isEqualTo(109);
    }
  }

  @Test
  void commandBeforeConnectIsClosedWithBadRequest() {
    try (RawClient c = node.open()) {
      c.send("{\"id\":1,\"subscribe\":{\"channel\":\"open:x\"}}");
      assertThat(c.awaitClose()).isEqualTo((short) 3501);
    }
  }

  @Test
  void staleConnectionWithoutConnectIsClosed3502() {
    try (RawClient c = node.open()) {
      assertThat(c.awaitClose(Duration.ofSeconds(6))).isEqualTo((short) 3502);
    }
  }

  // ---- malformed input -------------------------------------------------------------------------

  @Test
  void malformedJsonClosesOnlyThatConnection() {
    try (RawClient bystander = node.connect("bystander"); RawClient bad = node.connect("bad")) {
      bystander.subscribe(2, "open:malformed");
      bad.send("{\"id\":2,\"subscribe\":{\"channel\":");
      assertThat(bad.awaitClose()).isEqualTo((short) 3501);
      node.http().ok("publish", "{\"channel\":\"open:malformed\",\"data\":{\"n\":1}}");
      assertThat(bystander.push("open:malformed", "pub").path("data").path("n").asInt()).isEqualTo(1);
      assertThat(bystander.isClosed()).isFalse();
    }
  }

  @Test
  void unknownMethodFieldIsClosedWithBadRequest() {
    try (RawClient c = node.connect("u-unknown")) {
      c.send("{\"id\":2,\"frobnicate\":{}}");
      assertThat(c.awaitClose()).isEqualTo((short) 3501);
    }
  }

  @Test
  void messageLargerThanLimitClosesWith1009AndNodeKeepsServing() {
    try (RawClient big = node.connect("big")) {
      String pad = "x".repeat(5000);
      big.send("{\"id\":2,\"publish\":{\"channel\":\"open:big\",\"data\":\"" + pad + "\"}}");
      assertThat(big.awaitClose()).isEqualTo((short) 1009);
    }
    try (RawClient after = node.connect("after-big")) {
      assertThat(after.call(2, "ping", "{}").has("ping")).isTrue();
    }
  }

  // ---- subscribe errors ------------------------------------------------------------------------

  @Test
  void subscribeErrors() {
    try (RawClient c = node.connect("subs")) {
      assertThat(errorCode(c.call(2, "subscribe", "{\"channel\":\"nope:x\"}"))).isEqualTo(102);
      assertThat(errorCode(c.call(3, "subscribe", "{\"channel\":\"closed:x\"}"))).isEqualTo(103);
      c.subscribe(4, "open:dup");
      assertThat(errorCode(c.call(5, "subscribe", "{\"channel\":\"open:dup\"}"))).isEqualTo(105);
      c.subscribe(6, "open:two");
      c.subscribe(7, "open:three");
      assertThat(errorCode(c.call(8, "subscribe", "{\"channel\":\"open:four\"}"))).isEqualTo(106);
      assertThat(c.isClosed()).isFalse();
    }
  }

  // ---- history ---------------------------------------------------------------------------------

  @Test
  void historyLimitSinceReverseAndErrors() {
    String ch = "hist:h1";
    String epoch = null;
    for (int i = 1; i <= 4; i++) {
      JsonNode r = node.http().ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"i\":" + i + "}}");
      assertThat(r.path("offset").asLong()).isEqualTo(i);
      epoch = r.path("epoch").asText();
    }
    try (RawClient c = node.connect("hist-reader")) {
      JsonNode top = c.call(2, "history", "{\"channel\":\"" + ch + "\"}").path("history");
      assertThat(top.path("publications")).isEmpty();
      assertThat(top.path("offset").asLong()).isEqualTo(4);
      assertThat(top.path("epoch").asText()).isEqualTo(epoch);

      JsonNode limited = c.call(3, "history", "{\"channel\":\"" + ch + "\",\"limit\":2}").path("history");
      assertThat(offsets(limited.path("publications"))).containsExactly(1L, 2L);
      assertThat(limited.path("offset").asLong()).isEqualTo(4);

      JsonNode since = c.call(4, "history", "{\"channel\":\"" + ch + "\",\"limit\":10,\"since\":{\"offset\":2,\"epoch\":\"" + epoch + "\"}}").path("history");
      assertThat(offsets(since.path("publications"))).containsExactly(3L, 4L);
      assertThat(since.path("publications").get(0).path("data").path("i").asInt()).isEqualTo(3);

      JsonNode reverse = c.call(5, "history", "{\"channel\":\"" + ch + "\",\"limit\":2,\"reverse\":true}").path("history");
      assertThat(offsets(reverse.path("publications"))).containsExactly(4L, 3L);

      JsonNode reverseSince = c.call(6, "history", "{\"channel\":\"" + ch + "\",\"limit\":10,\"reverse\":true,\"since\":{\"offset\":3,\"epoch\":\"" + epoch + "\"}}").path("history");
      assertThat(offsets(reverseSince.path("publications"))).containsExactly(2L, 1L);

      assertThat(errorCode(c.call(7, "history", "{\"channel\":\"" + ch + "\",\"limit\":10,\"since\":{\"offset\":1,\"epoch\":\"not-" + epoch + "\"}}"))).isEqualTo(112);
      assertThat(errorCode(c.call(8, "history", "{\"channel\":\"nohist:x\",\"limit\":10}"))).isEqualTo(108);
      assertThat(errorCode(c.call(9, "history", "{\"channel\":\"" + ch + "\",\"reverse\":true,\"since\":{\"offset\":0}}"))).isEqualTo(107);
    }
  }

  private static List<Long> offsets(JsonNode pubs) {
    List<Long> out = new java.util.ArrayList<>();
    pubs.forEach(p -> out.add(p.path("offset").asLong()));
    return out;
  }

  // ---- presence, rpc, ping, publish ------------------------------------------------------------

  @Test
  void presenceAndPresenceStats() {
    try (RawClient a = node.connect("pa"); RawClient b = node.connect("pb")) {
      a.subscribe(2, "open:presence");
      b.subscribe(2, "open:presence");
      JsonNode stats = a.call(3, "presence_stats", "{\"channel\":\"open:presence\"}").path("presence_stats");
      assertThat(stats.path("num_clients").asInt()).isEqualTo(2);
      assertThat(stats.path("num_users").asInt()).isEqualTo(2);
      JsonNode presence = a.call(4, "presence", "{\"channel\":\"open:presence\"}").path("presence").path("presence");
      assertThat(presence.size()).isEqualTo(2);
      presence.fields().forEachRemaining(e -> {
        assertThat(e.getValue().path("client").asText()).isEqualTo(e.getKey());
        assertThat(e.getValue().path("user").asText()).isIn("pa", "pb");
      });
      assertThat(errorCode(a.call(5, "presence", "{\"channel\":\"hist:p\"}"))).isEqualTo(108);
    }
  }

  @Test
  void rpcIsMethodNotFoundAndPingCommandIsAnswered() {
    try (RawClient c = node.connect("rpc")) {
      assertThat(errorCode(c.call(2, "rpc", "{\"method\":\"getUser\",\"data\":{}}"))).isEqualTo(104);
      JsonNode ping = c.call(3, "ping", "{}");
      assertThat(ping.path("ping").isObject()).isTrue();
      assertThat(c.isClosed()).isFalse();
    }
  }

  @Test
  void clientPublishAllowedAndDenied() {
    try (RawClient sub = node.connect("reader"); RawClient pub = node.connect("writer")) {
      sub.subscribe(2, "open:chat");
      JsonNode ok = pub.call(2, "publish", "{\"channel\":\"open:chat\",\"data\":{\"text\":\"hi\",\"n\":1.10}}");
      assertThat(ok.path("publish").isObject()).isTrue();
      JsonNode got = sub.push("open:chat", "pub");
      assertThat(got.path("data").path("text").asText()).isEqualTo("hi");
      assertThat(got.path("info").path("user").asText()).isEqualTo("writer");
      assertThat(errorCode(pub.call(3, "publish", "{\"channel\":\"closed:chat\",\"data\":{}}"))).isEqualTo(103);
    }
  }

  // ---- ping / pong -----------------------------------------------------------------------------

  @Test
  void silentClientIsClosedWithNoPongWhileAnsweringClientStaysOpen() {
    try (RawClient silent = node.connect("silent").autoPong(false); RawClient polite = node.connect("polite")) {
      silent.awaitPings(1, Duration.ofSeconds(5));
      assertThat(silent.awaitClose(Duration.ofSeconds(5))).isEqualTo((short) 3012);
      // Two pings answered: the first pong deadline passed without a close.
      polite.awaitPings(2, Duration.ofSeconds(8));
      assertThat(polite.isClosed()).isFalse();
      assertThat(polite.call(2, "ping", "{}").has("ping")).isTrue();
    }
  }

  @Test
  void unsolicitedPongBeforeAnyPingIsBadRequest() {
    try (RawClient c = node.connect("eager-pong")) {
      c.send("{}");
      assertThat(c.awaitClose()).isEqualTo((short) 3501);
      assertThat(c.pings()).isZero();
    }
  }

  // ---- join / leave ----------------------------------------------------------------------------

  @Test
  void joinAndLeavePushes() {
    try (RawClient watcher = node.connect("watcher")) {
      watcher.subscribe(2, "open:room");
      String joinerClient;
      try (RawClient joiner = node.open()) {
        joinerClient = joiner.call(1, "connect", "{\"token\":\"" + node.token("joiner") + "\"}").path("connect").path("client").asText();
        joiner.subscribe(2, "open:room");
        JsonNode join = watcher.await("join of joiner", n -> n.path("push").path("join").path("info").path("user").asText().equals("joiner"))
            .path("push");
        assertThat(join.path("channel").asText()).isEqualTo("open:room");
        assertThat(join.path("join").path("info").path("client").asText()).isEqualTo(joinerClient);
      }
      JsonNode leave = watcher.await("leave of joiner", n -> n.path("push").path("leave").path("info").path("client").asText().equals(joinerClient));
      assertThat(leave.path("push").path("leave").path("info").path("user").asText()).isEqualTo("joiner");
    }
  }

  // ---- recovery --------------------------------------------------------------------------------

  @Test
  void recoveryFromPositionReturnsMissedPublications() {
    String ch = "hist:rec1";
    String epoch = null;
    for (int i = 1; i <= 3; i++) epoch = node.http().ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"i\":" + i + "}}").path("epoch").asText();
    try (RawClient c = node.connect("recoverer")) {
      JsonNode r = c.call(2, "subscribe", "{\"channel\":\"" + ch + "\",\"recover\":true,\"offset\":1,\"epoch\":\"" + epoch + "\",\"flag\":1}").path("subscribe");
      assertThat(r.path("recoverable").asBoolean()).isTrue();
      assertThat(r.path("positioned").asBoolean()).isTrue();
      assertThat(r.path("was_recovering").asBoolean()).isTrue();
      assertThat(r.path("recovered").asBoolean()).isTrue();
      assertThat(r.path("epoch").asText()).isEqualTo(epoch);
      assertThat(r.path("offset").asLong()).as("offset = requested offset on success").isEqualTo(1);
      assertThat(offsets(r.path("publications"))).containsExactly(2L, 3L);
      assertThat(r.path("publications").get(0).path("data").path("i").asInt()).isEqualTo(2);
      // The live stream continues right after the replay.
      node.http().ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"i\":4}}");
      assertThat(c.push(ch, "pub").path("offset").asLong()).isEqualTo(4);
    }
    try (RawClient c = node.connect("at-top")) {
      JsonNode r = c.call(2, "subscribe", "{\"channel\":\"" + ch + "\",\"recover\":true,\"offset\":4,\"epoch\":\"" + epoch + "\"}").path("subscribe");
      assertThat(r.path("recovered").asBoolean()).isTrue();
      assertThat(r.path("was_recovering").asBoolean()).isTrue();
      assertThat(r.path("offset").asLong()).isEqualTo(4);
      assertThat(r.path("publications").size()).isZero();
    }
    try (RawClient c = node.connect("plain")) {
      JsonNode r = c.call(2, "subscribe", "{\"channel\":\"" + ch + "\"}").path("subscribe");
      assertThat(r.path("recoverable").asBoolean()).isTrue();
      assertThat(r.path("offset").asLong()).isEqualTo(4);
      assertThat(r.has("was_recovering")).isFalse();
      assertThat(r.has("recovered")).isFalse();
      assertThat(r.has("publications")).isFalse();
    }
  }

  @Test
  void recoveryBeyondHistorySizeOrFromOtherEpochIsNotRecovered() {
    String ch = "hist:rec2";
    String epoch = null;
    for (int i = 1; i <= 10; i++) epoch = node.http().ok("publish", "{\"channel\":\"" + ch + "\",\"data\":{\"i\":" + i + "}}").path("epoch").asText();
    try (RawClient c = node.connect("too-late")) {
      JsonNode r = c.call(2, "subscribe", "{\"channel\":\"" + ch + "\",\"recover\":true,\"offset\":2,\"epoch\":\"" + epoch + "\"}").path("subscribe");
      assertThat(r.path("was_recovering").asBoolean()).isTrue();
      assertThat(r.path("recovered").asBoolean(false)).isFalse();
      assertThat(r.path("publications").size()).isZero();
      assertThat(r.path("offset").asLong()).isEqualTo(10);
      assertThat(r.path("epoch").asText()).isEqualTo(epoch);
    }
    try (RawClient c = node.connect("other-epoch")) {
      JsonNode r = c.call(2, "subscribe", "{\"channel\":\"" + ch + "\",\"recover\":true,\"offset\":9,\"epoch\":\"stale-epoch\"}").path("subscribe");
      assertThat(r.path("was_recovering").asBoolean()).isTrue();
      assertThat(r.path("recovered").asBoolean(false)).isFalse();
      assertThat(r.path("publications").size()).isZero();
      assertThat(r.path("offset").asLong()).isEqualTo(10);
    }
  }
}
