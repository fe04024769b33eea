package io.rebound.edge.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.edge.Edge;
import io.rebound.edge.session.SessionBed.Client;
import io.rebound.protocol.ErrorCode;
import io.rebound.testing.Await;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, edge side: what one connection may ask of the node (items 2, 7, 15). A connection over
 * its publish rate or its commands in flight gets 111 at once while every other connection is
 * served; an anonymous subscriber reads history or presence only where anonymous clients may; a
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

  // ---- item 2: publish rate and commands in flight ---------------------------------------------

  @Test
  void publishesBeyondTheBurstAre111WhileAnotherConnectionIsServed() {
    restartWithLimits();
    Client flooder = connect(bed.token("flooder"));
    Client other = connect(bed.token("other"));
    subscribe(other, 2, "room:a");

    flooder.transport().send(frame(10, 20, "publish", "{\"channel\":\"room:a\",\"data\":{\"n\":1}}"));
    List<Integer> codes = java.util.stream.IntStream.range(10, 30).mapToObj(id -> errorCode(flooder, id)).toList();
    assertThat(codes.stream().filter(c -> c == 0).count()).as("the burst of 5 is published").isEqualTo(5);
    assertThat(codes.stream().filter(c -> c == ErrorCode.TOO_MANY_REQUESTS.code).count()).isEqualTo(15);
    assertThat(flooder.transport().closedWith()).as("over the rate is an answer, not a disconnect").isNull();

    // The other connection on the same event loop publishes at once and gets its own publication.
    other.transport().send("{\"id\":3,\"publish\":{\"channel\":\"room:a\",\"data\":{\"from\":\"other\"}}}");
    assertThat(errorCode(other, 3)).isZero();
    Await.until("the other publication delivered", WAIT, () -> other.transport().messages().stream()
        .anyMatch(m -> m.path("push").path("pub").path("data").path("from").asText("").equals("other")));

    // The bucket refills at 10 per second: the flooder may publish again a moment later.
    long[] id = {100};
    Await.until("the flooder's bucket refilled", WAIT, () -> {
      long next = id[0]++;
      flooder.transport().send("{\"id\":" + next + ",\"publish\":{\"channel\":\"room:a\",\"data\":{}}}");
      return errorCode(flooder, next) == 0;
    });
  }

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
