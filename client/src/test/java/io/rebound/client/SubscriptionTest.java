package io.rebound.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.Await;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A client-side {@link Subscription}'s reactions to subscribe errors and unsubscribe pushes, against a scripted server:
 * which ones it retries, which end it, and what it recovers from.
 */
class SubscriptionTest extends AgainstScriptedServer {

  /** Subscribes to {@code c} and answers with a recoverable position at {@code e:3}; returns the connection. */
  ScriptedServer.Conn subscribedAt3(Subscription[] out, ReboundClientOptions o) {
    out[0] = start(o, "c");
    ScriptedServer.Conn conn = server.next();
    conn.expect("connect");
    conn.expect("subscribe");
    conn.send("{\"id\":1,\"connect\":{\"client\":\"c1\"}}", "{\"id\":2,\"subscribe\":{\"recoverable\":true,\"epoch\":\"e\",\"offset\":3}}");
    Await.until("subscribed", WAIT, () -> out[0].state() == SubscriptionState.SUBSCRIBED);
    return conn;
  }

  @Test
  void aTemporarySubscribeErrorIsRetriedEvenWithAZeroBackoff() {
    // Vert.x refuses timers under 1 ms: a zero delay used to throw inside the reply handler and strand the subscription.
    Subscription sub = start(options().minReconnectDelay(Duration.ZERO).maxReconnectDelay(Duration.ZERO), "c");
    ScriptedServer.Conn conn = server.next();
    conn.expect("connect");
    long id = conn.expect("subscribe").path("id").asLong();
    conn.send("{\"id\":1,\"connect\":{\"client\":\"c1\"}}", "{\"id\":" + id + ",\"error\":{\"code\":100,\"message\":\"internal\",\"temporary\":true}}");
    JsonNode again = conn.expect("subscribe");
    conn.send("{\"id\":" + again.path("id") + ",\"subscribe\":{}}");
    Await.until("subscribed", WAIT, () -> sub.state() == SubscriptionState.SUBSCRIBED);
  }

  @Test
  void anExpiredSubscriptionTokenIsRetriedAndAFinalErrorEndsTheSubscription() {
    Subscription sub = start(options(), "c");
    ScriptedServer.Conn conn = server.next();
    conn.expect("connect");
    long id = conn.expect("subscribe").path("id").asLong();
    conn.send("{\"id\":1,\"connect\":{\"client\":\"c1\"}}", "{\"id\":" + id + ",\"error\":{\"code\":109,\"message\":\"token expired\"}}");
    long again = conn.expect("subscribe").path("id").asLong();
    conn.send("{\"id\":" + again + ",\"error\":{\"code\":103,\"message\":\"permission denied\"}}");
    Await.until("unsubscribed", WAIT, () -> sub.state() == SubscriptionState.UNSUBSCRIBED);
    assertThat(rec.unsubscribed).containsExactly(103);
    assertThat(conn.poll(300)).as("no third subscribe").isNull();
  }

  @Test
  void unsubscribe2501ExpiredResubscribesFromThePosition() {
    Subscription[] sub = new Subscription[1];
    ScriptedServer.Conn conn = subscribedAt3(sub, options());
    conn.send("{\"push\":{\"channel\":\"c\",\"unsubscribe\":{\"code\":2501,\"reason\":\"subscription expired\"}}}");
    assertThat(conn.expect("subscribe").path("subscribe").toString()).isEqualTo("{\"channel\":\"c\",\"recover\":true,\"offset\":3,\"epoch\":\"e\"}");
    assertThat(rec.subscribing).containsExactly(0, 2501);
    assertThat(sub[0].state()).isEqualTo(SubscriptionState.SUBSCRIBING);
  }
}
