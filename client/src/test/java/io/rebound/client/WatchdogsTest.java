package io.rebound.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.Await;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link Watchdogs} against a scripted server. A silent connection, a missing connect reply and an unanswered command
 * each make the client reconnect, and the server keeps the session. An expiring token is refreshed through the supplier
 * before it expires.
 */
class WatchdogsTest extends AgainstScriptedServer {

  @Test
  void silenceBeyondThePingIntervalPlusTheDelayReconnectsWithNoPingAndKeepsTheSession() {
    start(options().maxServerPingDelay(Duration.ofMillis(200)), null);
    ScriptedServer.Conn conn = server.next();
    conn.expect("connect");
    long repliedAt = System.nanoTime();
    conn.send("{\"id\":1,\"connect\":{\"client\":\"c1\",\"session\":\"s1\",\"ping\":1}}");

    ScriptedServer.Conn conn2 = server.next();
    assertThat((System.nanoTime() - repliedAt) / 1_000_000).as("not before ping interval + delay").isGreaterThanOrEqualTo(1200);
    assertThat(rec.reconnecting).extracting(ReconnectingEvent::code, ReconnectingEvent::reason, ReconnectingEvent::wasConnected)
        .containsExactly(tuple(ReboundClient.RECONNECT_NO_PING, "no ping", true));
    Await.until("old connection closed", WAIT, conn::closed);
    assertThat(conn.closeCode()).as("not 1000: the server keeps the session").isEqualTo((short) 3000);
    assertThat(conn2.expect("connect").path("connect").path("resume").path("session").asText()).isEqualTo("s1");
  }

  @Test
  void anyMessageFromTheServerKeepsTheConnectionAlive() {
    ScriptedServer.Conn conn = connected(options().maxServerPingDelay(Duration.ofMillis(200)), "{\"client\":\"c1\",\"ping\":1,\"pong\":true}");
    long pinger = vertx.setPeriodic(300, id -> conn.sendNow("{}"));
    try {
      for (int i = 0; i < 6; i++) { // ~1.8 s of pings, well past the 1.2 s a silent connection would last
        assertThat(conn.poll(10_000)).as("pong %d", i).isNotNull();
      }
    } finally {
      vertx.cancelTimer(pinger);
    }
    assertThat(rec.reconnecting).isEmpty();
    assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
  }

  @Test
  void noConnectReplyWithinTheTimeoutReconnects() {
    start(options().timeout(Duration.ofMillis(300)), null);
    server.next().expect("connect"); // never answered
    server.next().expect("connect");
    assertThat(rec.reconnecting.get(0)).isEqualTo(new ReconnectingEvent(ReboundClient.RECONNECT_TIMEOUT, "connect timeout", 1,
        rec.reconnecting.get(0).delayMs(), false));
  }

  @Test
  void anUnansweredCommandReconnectsAndTheCommandIsResentOnTheResumedSession() {
    ScriptedServer.Conn conn = connected(options().timeout(Duration.ofMillis(500)), "{\"client\":\"c1\",\"session\":\"s1\"}");
    Future<Void> publish = client.publish("c", 1);
    long id = conn.expect("publish").path("id").asLong(); // never answered here

    ScriptedServer.Conn conn2 = server.next();
    assertThat(rec.reconnecting).extracting(ReconnectingEvent::code, ReconnectingEvent::reason)
        .containsExactly(tuple(ReboundClient.RECONNECT_TIMEOUT, "no reply to publish within 500 ms"));
    assertThat(conn2.expect("connect").path("connect").path("resume").path("session").asText()).isEqualTo("s1");
    conn2.send("{\"id\":1,\"connect\":{\"client\":\"c1\",\"session\":\"s1\",\"resumed\":true,\"last_command\":1}}");
    assertThat(conn2.expect("publish").path("id").asLong()).as("resent under its id").isEqualTo(id);
    conn2.send("{\"id\":" + id + ",\"publish\":{}}");
    Await.result(publish);
  }

  @Test
  void anExpiringTokenIsRefreshedFromTheSupplierAndTheNextRefreshIsTimedByTheReply() {
    AtomicInteger fetched = new AtomicInteger();
    ScriptedServer.Conn conn = connected(options().tokenSupplier(() -> Future.succeededFuture("t" + fetched.incrementAndGet())),
        "{\"client\":\"c1\",\"expires\":true,\"ttl\":1}");
    JsonNode first = conn.expect("refresh");
    assertThat(first.path("refresh").path("token").asText()).isEqualTo("t1");
    conn.send("{\"id\":" + first.path("id") + ",\"refresh\":{\"expires\":true,\"ttl\":1}}");
    JsonNode second = conn.expect("refresh");
    assertThat(second.path("refresh").path("token").asText()).isEqualTo("t2");
    assertThat(rec.reconnecting).isEmpty();

    conn.close(3001, "shutdown"); // a reconnect carries the latest token
    assertThat(server.next().expect("connect").path("connect").path("token").asText()).isEqualTo("t2");
  }

  @Test
  void aRefreshRefusedForGoodStopsTheClientWithTheErrorCode() {
    ScriptedServer.Conn conn = connected(options().tokenSupplier(() -> Future.succeededFuture("t")),
        "{\"client\":\"c1\",\"expires\":true,\"ttl\":1}");
    JsonNode refresh = conn.expect("refresh");
    conn.send("{\"id\":" + refresh.path("id") + ",\"error\":{\"code\":101,\"message\":\"unauthorized\"}}");
    Await.until("disconnected", WAIT, () -> !rec.disconnected.isEmpty());
    assertThat(rec.disconnected.get(0).code()).isEqualTo(101);
    assertThat(client.state()).isEqualTo(ClientState.DISCONNECTED);
    Await.until("connection closed", WAIT, conn::closed);
    assertThat(conn.closeCode()).as("the session ends").isEqualTo((short) 1000);
  }

  @Test
  void anEmptyTokenFromTheSupplierOnRefreshStopsTheClientAsUnauthorized() {
    ScriptedServer.Conn conn = connected(options().tokenSupplier(() -> Future.succeededFuture("")),
        "{\"client\":\"c1\",\"expires\":true,\"ttl\":1}");
    Await.until("disconnected", WAIT, () -> !rec.disconnected.isEmpty());
    assertThat(rec.disconnected).containsExactly(new DisconnectedEvent(ReboundClient.DISCONNECT_UNAUTHORIZED, "unauthorized"));
    assertThat(conn.poll(100)).as("no refresh was sent").isNull();
  }
}
