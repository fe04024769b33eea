package io.rebound.edge.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.edge.Edge;
import io.rebound.edge.session.SessionBed.Client;
import io.rebound.protocol.Disconnect;
import io.rebound.protocol.ErrorCode;
import io.rebound.testing.Await;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, edge side: what one connection may ask of the node (items 2, 7, 15). A connection over
 * its publish rate or its commands in flight gets 111 at once while every other connection is
 * served; an expiry at the end of time never overflows into the past (item 9); an anonymous subscriber reads history or presence only where anonymous clients may; a
 * subscribe with a tags filter Rebound cannot honour is refused, never silently unfiltered.
 */
class SessionLimitsTest {

  private static final String LIMITS = "\"client_publish_rate\": 10, \"client_publish_burst\": 5, \"client_commands_in_flight\": 4, ";
  private static final String CONFIG = """
      {"allow_anonymous_connect_without_token": true,
       "namespaces": [
         {"name": "room", "allow_subscribe_for_client": true, "allow_subscribe_for_anonymous": true,
          "allow_publish_for_client": true, "history_size": 100, "history_ttl": "300s", "presence": true,
          "allow_history_for_subscriber": true, "allow_presence_for_subscriber": true},
         {"name": "open", "allow_subscribe_for_client": true, "allow_subscribe_for_anonymous": true,
          "history_size": 100, "history_ttl": "300s", "presence": true,
          "allow_history_for_subscriber": true, "allow_history_for_anonymous": true,
          "allow_presence_for_subscriber": true, "allow_presence_for_anonymous": true}
       ]}
      """;
  private static final Duration WAIT = Duration.ofSeconds(10);

  private SessionBed bed;
  private Edge edge;

  /** A node with {@code config}, one edge; the limits of item 2 only where a test asks (the other items need none). */
  private void start(String config) {
    bed = new SessionBed(config);
    edge = bed.newEdge();
  }

  @BeforeEach
  void start() {
    start(CONFIG);
  }

  private void restartWithLimits() {
    bed.close();
    start(CONFIG.replaceFirst("\\{", "{" + LIMITS));
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  private static JsonNode reply(Client c, long id) {
    return Await.value("reply " + id, WAIT, () -> c.transport().messages().stream()
        .filter(m -> m.path("id").asLong() == id).findFirst().orElse(null));
  }

  private static int errorCode(Client c, long id) {
    return reply(c, id).path("error").path("code").asInt(0);
  }

  private Client connect(String token) {
    Client c = bed.accept(edge);
    c.transport().send("{\"id\":1,\"connect\":{" + (token == null ? "" : "\"token\":\"" + token + "\"") + "}}");
    assertThat(reply(c, 1).has("connect")).as(reply(c, 1).toString()).isTrue();
    return c;
  }

  private static void subscribe(Client c, long id, String channel) {
    c.transport().send("{\"id\":" + id + ",\"subscribe\":{\"channel\":\"" + channel + "\"}}");
    assertThat(reply(c, id).has("subscribe")).as(reply(c, id).toString()).isTrue();
  }

  private static String frame(int firstId, int count, String method, String params) {
    StringBuilder f = new StringBuilder();
    for (int i = 0; i < count; i++) f.append(i == 0 ? "" : "\n").append("{\"id\":").append(firstId + i).append(",\"").append(method)
        .append("\":").append(params).append('}');
    return f.toString();
  }

  // ---- item 2: commands in flight (the publish rate: PerConnectionLimitsIT, publishes need the API door) --- ---------------------------------------------

  @Test
  void commandsBeyondThoseInFlightAre111AndTheCountFallsAsTheyAreAnswered() {
    restartWithLimits();
    Client c = connect(bed.token("reader"));
    subscribe(c, 2, "room:b");
    // One frame: every command starts in the same event-loop pass, before any answer can arrive.
    c.transport().send(frame(10, 10, "history", "{\"channel\":\"room:b\",\"limit\":1}"));
    List<Integer> codes = java.util.stream.IntStream.range(10, 20).mapToObj(id -> errorCode(c, id)).toList();
    assertThat(codes).as("4 in flight at most").containsExactly(0, 0, 0, 0, 111, 111, 111, 111, 111, 111);

    c.transport().send(frame(30, 4, "presence", "{\"channel\":\"room:b\"}"));
    for (int id = 30; id < 34; id++) assertThat(errorCode(c, id)).as("answered commands no longer count").isZero();
  }

  // ---- item 7: anonymous subscribers ---------------------------------------------------------------

  @Test
  void anAnonymousSubscriberReadsHistoryAndPresenceOnlyWhereAnonymousClientsMay() {
    Client anonymous = connect(null);
    subscribe(anonymous, 2, "room:c");
    subscribe(anonymous, 3, "open:c");
    anonymous.transport().send(frame(10, 1, "history", "{\"channel\":\"room:c\"}"));
    anonymous.transport().send(frame(11, 1, "presence", "{\"channel\":\"room:c\"}"));
    anonymous.transport().send(frame(12, 1, "presence_stats", "{\"channel\":\"room:c\"}"));
    assertThat(errorCode(anonymous, 10)).isEqualTo(ErrorCode.PERMISSION_DENIED.code);
    assertThat(errorCode(anonymous, 11)).isEqualTo(ErrorCode.PERMISSION_DENIED.code);
    assertThat(errorCode(anonymous, 12)).isEqualTo(ErrorCode.PERMISSION_DENIED.code);

    anonymous.transport().send(frame(20, 1, "history", "{\"channel\":\"open:c\"}"));
    anonymous.transport().send(frame(21, 1, "presence", "{\"channel\":\"open:c\"}"));
    assertThat(reply(anonymous, 20).has("history")).as(reply(anonymous, 20).toString()).isTrue();
    assertThat(reply(anonymous, 21).has("presence")).as(reply(anonymous, 21).toString()).isTrue();

    Client user = connect(bed.token("carol"));
    subscribe(user, 2, "room:c");
    user.transport().send(frame(10, 1, "history", "{\"channel\":\"room:c\"}"));
    assertThat(reply(user, 10).has("history")).as("a signed-in subscriber may").isTrue();
  }

  @Test
  void anAnonymousSubscriberCannotRecoverWhereItMayNotReadHistory() {
    bed.publish("room:d", "{\"n\":1}");
    Client anonymous = connect(null);
    anonymous.transport().send("{\"id\":2,\"subscribe\":{\"channel\":\"room:d\",\"recoverable\":true,\"recover\":true,\"offset\":0,\"epoch\":\"\"}}");
    JsonNode result = reply(anonymous, 2).path("subscribe");
    assertThat(result.path("recoverable").asBoolean()).as(result.toString()).isFalse();
    assertThat(result.path("publications").size()).isZero();
  }

  // ---- item 9: expiry arithmetic ------------------------------------------------------------------

  @Test
  void anExpiryAtTheEndOfTimeNeverClosesTheConnection() {
    Client c = connect(bed.token("erin"));
    long now = System.currentTimeMillis();
    // The API's refresh with expire_at 2^63-1 (or 1e30, which a long reads as the same); the tick is the
    // keepalive's, which closed with 3005 at once when expiry + grace overflowed.
    SessionBed.onLoop(edge, () -> edge.onControl(new JsonObject().put("op", "refresh").put("user", "erin")
        .put("expire_at", Long.MAX_VALUE)));
    SessionBed.onLoop(edge, () -> edge.tick(now + 1000));
    SessionBed.onLoop(edge, () -> edge.tick(now + 3_600_000));
    assertThat(c.transport().closedWith()).isNull();
    // An expiry in the past still closes, after the grace period.
    SessionBed.onLoop(edge, () -> edge.onControl(new JsonObject().put("op", "refresh").put("user", "erin")
        .put("expire_at", now / 1000 - 3600)));
    SessionBed.onLoop(edge, () -> edge.tick(now));
    assertThat(Await.value("closed", WAIT, () -> c.transport().closedWith())).isEqualTo(Disconnect.EXPIRED);
  }

  // ---- item 15: tags filter ------------------------------------------------------------------------

  @Test
  void aSubscribeWithATagsFilterIsRefusedNotSilentlyUnfiltered() {
    Client c = connect(bed.token("dave"));
    c.transport().send("{\"id\":2,\"subscribe\":{\"channel\":\"room:e\",\"tf\":{\"key\":\"ticker\",\"cmp\":\"eq\",\"val\":\"AAPL\"}}}");
    assertThat(errorCode(c, 2)).isEqualTo(ErrorCode.BAD_REQUEST.code);
    assertThat(SessionBed.onLoop(edge, () -> c.session().subscription("room:e"))).isNull();
    c.transport().send("{\"id\":3,\"subscribe\":{\"channel\":\"room:e\",\"tf\":null}}");
    assertThat(reply(c, 3).has("subscribe")).as("an absent filter is no filter").isTrue();
  }
}
