package io.rebound.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.Await;
import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link InboundRouter} against a scripted server. It covers what the other wire tests leave out: malformed messages,
 * every kind of close code, disconnect pushes, connect errors (temporary, final, token expired), pongs, and the
 * routing of joins, leaves, messages and publications of channels without a client-side subscription.
 */
class InboundRouterTest extends AgainstScriptedServer {

  @Test
  void aMalformedLineReconnectsAndTheRestOfItsFrameIsDropped() {
    ScriptedServer.Conn conn = connected(options(), "{\"client\":\"c1\"}");
    conn.send("{\"push\":{\"message\":{\"data\":1}}}", "not json", "{\"push\":{\"message\":{\"data\":2}}}");
    server.next().expect("connect");
    assertThat(rec.messages).extracting(JsonNode::asInt).containsExactly(1);
    assertThat(rec.reconnecting).extracting(ReconnectingEvent::code, ReconnectingEvent::reason)
        .containsExactly(tuple(ReboundClient.RECONNECT_TRANSPORT_CLOSED, "malformed message from server"));
  }

  static Stream<Arguments> closes() {
    return Stream.of(
        // server close code, server reason, the client reconnects, with code, with reason
        Arguments.of(1001, "going away", true, ReboundClient.RECONNECT_TRANSPORT_CLOSED, "transport closed"),
        Arguments.of(1009, "too big", false, ReboundClient.DISCONNECT_MESSAGE_SIZE_LIMIT, "message size limit exceeded"),
        Arguments.of(3012, "no pong", true, 3012, "no pong"),
        Arguments.of(3499, "last reconnecting 3xxx", true, 3499, "last reconnecting 3xxx"),
        Arguments.of(3500, "invalid token", false, 3500, "invalid token"),
        Arguments.of(3999, "last final 3xxx", false, 3999, "last final 3xxx"),
        Arguments.of(4000, "application, reconnect", true, 4000, "application, reconnect"),
        Arguments.of(4500, "application, final", false, 4500, "application, final"),
        Arguments.of(4499, "last application reconnecting", true, 4499, "last application reconnecting"),
        Arguments.of(4999, "last application final", false, 4999, "last application final"),
        Arguments.of(3001, "{\"reason\":\"legacy stop\",\"reconnect\":false}", false, 3001, "legacy stop"),
        Arguments.of(3501, "{\"reason\":\"legacy go on\",\"reconnect\":true}", true, 3501, "legacy go on"),
        Arguments.of(3001, "{not json", true, 3001, "{not json"));
  }

  @ParameterizedTest(name = "close {0} {1}")
  @MethodSource("closes")
  void aCloseCodeDecidesBetweenReconnectingAndStopping(int code, String reason, boolean reconnects, int clientCode, String clientReason) {
    ScriptedServer.Conn conn = connected(options(), "{\"client\":\"c1\"}");
    conn.close(code, reason);
    if (reconnects) {
      server.next().expect("connect");
      assertThat(rec.reconnecting).extracting(ReconnectingEvent::code, ReconnectingEvent::reason).containsExactly(tuple(clientCode, clientReason));
      assertThat(rec.disconnected).isEmpty();
    } else {
      Await.until("disconnected", WAIT, () -> !rec.disconnected.isEmpty());
      assertThat(rec.disconnected).containsExactly(new DisconnectedEvent(clientCode, clientReason));
      assertThat(rec.reconnecting).isEmpty();
      assertThat(client.state()).isEqualTo(ClientState.DISCONNECTED);
      server.assertNoConnection(300);
    }
  }

  @Test
  void aDisconnectPushFollowsTheReconnectRuleAndAFinalOneEndsTheSession() {
    ScriptedServer.Conn conn = connected(options(), "{\"client\":\"c1\"}");
    conn.send("{\"push\":{\"disconnect\":{\"code\":3011,\"reason\":\"force reconnect\"}}}");
    ScriptedServer.Conn conn2 = server.next();
    Await.until("first connection closed", WAIT, conn::closed);
    assertThat(conn.closeCode()).as("reconnecting: the session is kept").isEqualTo((short) 3000);
    conn2.expect("connect");
    conn2.send("{\"id\":1,\"connect\":{\"client\":\"c2\"}}");
    Await.until("connected again", WAIT, () -> client.state() == ClientState.CONNECTED);

    conn2.send("{\"push\":{\"disconnect\":{\"code\":3503,\"reason\":\"force disconnect\"}}}");
    Await.until("disconnected", WAIT, () -> !rec.disconnected.isEmpty());
    assertThat(rec.disconnected).containsExactly(new DisconnectedEvent(3503, "force disconnect"));
    Await.until("second connection closed", WAIT, conn2::closed);
    assertThat(conn2.closeCode()).as("final: the session ends").isEqualTo((short) 1000);
  }

  @Test
  void aTemporaryConnectErrorIsRetriedAndAFinalOneStops() {
    start(options(), null);
    ScriptedServer.Conn conn = server.next();
    conn.expect("connect");
    conn.send("{\"id\":1,\"error\":{\"code\":111,\"message\":\"too many requests\",\"temporary\":true}}");
    ScriptedServer.Conn conn2 = server.next();
    conn2.expect("connect");
    conn2.send("{\"id\":1,\"error\":{\"code\":103,\"message\":\"permission denied\"}}");
    Await.until("disconnected", WAIT, () -> !rec.disconnected.isEmpty());
    assertThat(rec.reconnecting).extracting(ReconnectingEvent::code).containsExactly(111);
    assertThat(rec.disconnected).containsExactly(new DisconnectedEvent(103, "permission denied"));
    assertThat(rec.errors).extracting(e -> ((ReplyException) e).code()).containsExactly(111, 103);
  }

  @Test
  void anExpiredTokenAtConnectIsReplacedFromTheSupplierBeforeTheNextAttempt() {
    AtomicInteger fetched = new AtomicInteger();
    start(options().token(null).tokenSupplier(() -> Future.succeededFuture("t" + fetched.incrementAndGet())), null);
    ScriptedServer.Conn conn = server.next();
    assertThat(conn.expect("connect").path("connect").path("token").asText()).isEqualTo("t1");
    conn.send("{\"id\":1,\"error\":{\"code\":109,\"message\":\"token expired\"}}");
    assertThat(server.next().expect("connect").path("connect").path("token").asText()).isEqualTo("t2");
    assertThat(rec.reconnecting).extracting(ReconnectingEvent::code).containsExactly(109);
  }

  @Test
  void anExpiredTokenAtConnectWithoutASupplierStops() {
    start(options(), null);
    ScriptedServer.Conn conn = server.next();
    conn.expect("connect");
    conn.send("{\"id\":1,\"error\":{\"code\":109,\"message\":\"token expired\"}}");
    Await.until("disconnected", WAIT, () -> !rec.disconnected.isEmpty());
    assertThat(rec.disconnected).containsExactly(new DisconnectedEvent(109, "token expired"));
    server.assertNoConnection(300);
  }

  @Test
  void pingsAreAnsweredOnlyOnceAConnectReplyAskedForPongs() {
    start(options(), null);
    ScriptedServer.Conn conn = server.next();
    conn.expect("connect");
    conn.send("{}"); // before the reply: ignored
    conn.send("{\"id\":1,\"connect\":{\"client\":\"c1\",\"pong\":true}}", "{}");
    assertThat(conn.poll(10_000).toString()).isEqualTo("{}");
    assertThat(conn.poll(300)).as("one pong: the ping before the reply was not answered").isNull();
  }

  @Test
  void joinsLeavesMessagesAndPublicationsOfChannelsWithoutASubscriptionAreRouted() {
    Subscription sub = start(options(), "c");
    ScriptedServer.Conn conn = server.next();
    conn.expect("connect");
    conn.expect("subscribe");
    conn.send("{\"id\":1,\"connect\":{\"client\":\"c1\"}}", "{\"id\":2,\"subscribe\":{}}");
    Await.until("subscribed", WAIT, () -> sub.state() == SubscriptionState.SUBSCRIBED);
    conn.send("{\"push\":{\"channel\":\"c\",\"join\":{\"info\":{\"user\":\"u1\",\"client\":\"x1\"}}}}",
        "{\"push\":{\"channel\":\"c\",\"leave\":{\"info\":{\"user\":\"u2\",\"client\":\"x2\"}}}}",
        "{\"push\":{\"channel\":\"other\",\"join\":{\"info\":{\"user\":\"u3\",\"client\":\"x3\"}}}}",
        "{\"push\":{\"message\":{\"data\":{\"hello\":1}}}}",
        "{\"push\":{\"channel\":\"other\",\"pub\":{\"data\":\"x\"}}}",
        "{\"id\":99,\"publish\":{}}"); // a reply nobody waits for: ignored
    Await.until("all routed", WAIT, () -> rec.serverPubs.size() == 1 && rec.messages.size() == 1);
    assertThat(rec.joins).extracting(ClientInfo::user).containsExactly("u1");
    assertThat(rec.leaves).extracting(ClientInfo::user).containsExactly("u2");
    assertThat(rec.messages.get(0).path("hello").asInt()).isEqualTo(1);
    assertThat(rec.serverPubs.get(0).channel()).isEqualTo("other");
    assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
  }
}
