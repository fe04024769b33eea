package io.rebound.edge.session;

import static io.rebound.edge.session.SessionBed.onLoop;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.core.StreamPosition;
import io.rebound.edge.Edge;
import io.rebound.edge.session.SessionBed.Client;
import io.rebound.testing.Await;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The prompt acknowledgement of user-sync deliveries ({@link SyncAckPings}, {@code client_sync_ack_delay}): a live
 * publication brings a ping long before the regular one (no tick is driven here, so the regular ping never comes), a
 * burst brings one ping, nothing more is sent while its pong is awaited, and what was written meanwhile gets a ping of
 * its own after the pong. Without a pong nothing is stored.
 */
class SyncAckPingsTest {

  private static final String CONFIG = """
      {"client_ping_interval": "25s", "client_pong_timeout": "8s", "client_sync_ack_delay": "%s",
       "namespaces": [
         {"name": "inbox", "allow_subscribe_for_client": true, "history_size": 1000, "history_ttl": "300s", "user_sync": true},
         {"name": "feed", "allow_subscribe_for_client": true, "history_size": 100, "history_ttl": "300s", "force_recovery": true}
       ]}
      """;
  private static final Duration WAIT = Duration.ofSeconds(10);

  private SessionBed bed;
  private Edge edge;

  private void start(String delay) {
    bed = new SessionBed(CONFIG.formatted(delay));
    edge = bed.newEdge();
  }

  @AfterEach
  void stop() {
    if (bed != null) bed.close();
  }

  private Client connected(String user) {
    Client c = bed.accept(edge);
    c.transport().send("{\"id\":1,\"connect\":{\"token\":\"" + bed.token(user) + "\"}}");
    reply(c, 1);
    return c;
  }

  private static JsonNode reply(Client c, long id) {
    return Await.value("reply " + id, WAIT, () -> c.transport().messages().stream()
        .filter(m -> m.path("id").asLong() == id).findFirst().orElse(null));
  }

  private static long pings(Client c) {
    return c.transport().frames().stream().filter("{}"::equals).count();
  }

  private static long publications(Client c) {
    return c.transport().messages().stream().filter(m -> m.path("push").has("pub")).count();
  }

  private StreamPosition stored(String channel, String user) {
    return Await.result(bed.syncPositions.get(channel, user));
  }

  private int waiting(Client c) {
    return onLoop(edge, () -> c.session().edge.ackPings.waiting());
  }

  private double syncAckPingsSent() {
    return bed.metrics.registry().get("rebound_pings_sent_total").tag("reason", "sync_ack").counter().count();
  }

  /** Subscribes to an empty inbox and answers the ping that follows the (empty) first sync batch. */
  private Client subscribedToEmptyInbox(String user, String channel) {
    Client c = connected(user);
    c.transport().send("{\"id\":2,\"subscribe\":{\"channel\":\"" + channel + "\"}}");
    assertThat(reply(c, 2).path("subscribe").path("recovered").asBoolean()).isTrue();
    Await.until("the ping after the first batch", WAIT, () -> pings(c) == 1);
    c.transport().send("{}");
    return c;
  }

  @Test
  void aLivePublicationIsAcknowledgedAtOnceNotAtTheRegularPing() {
    start("100ms");
    Client c = subscribedToEmptyInbox("alice", "inbox:alice");
    StreamPosition live = bed.publish("inbox:alice", "{\"n\":1}");
    Await.until("the live publication", WAIT, () -> publications(c) == 1);
    Await.until("a ping after it (the regular one is 25 s away and never ticked here)", WAIT, () -> pings(c) == 2);
    assertThat(stored("inbox:alice", "alice")).as("not before the pong").isNotEqualTo(live);
    c.transport().send("{}");
    Await.until("the live publication's position stored", WAIT, () -> live.equals(stored("inbox:alice", "alice")));
    assertThat(syncAckPingsSent()).isEqualTo(2); // the one after the first batch, the one after the live publication
  }

  @Test
  void aBurstBringsOnePingAndWhatIsWrittenWhileItsPongIsAwaitedGetsTheNextOne() {
    start("50ms");
    Client c = subscribedToEmptyInbox("bob", "inbox:bob");
    StreamPosition last = null;
    for (int i = 1; i <= 200; i++) last = bed.publish("inbox:bob", "{\"n\":" + i + "}");
    Await.until("200 live publications", WAIT, () -> publications(c) == 200);
    Await.until("a ping after the burst", WAIT, () -> pings(c) == 2);
    // No pong yet: whatever arrives now waits for the pong; nothing is queued, no ping can follow.
    StreamPosition afterPing = bed.publish("inbox:bob", "{\"n\":201}");
    Await.until("the publication written while the pong is awaited", WAIT, () -> publications(c) == 201);
    assertThat(waiting(c)).isZero();
    assertThat(pings(c)).isEqualTo(2);

    c.transport().send("{}");
    // The pong covers what was written before its ping (at most the whole burst), and asks for a ping for the rest.
    Await.until("the next ping, for what was written after the last one", WAIT, () -> pings(c) == 3);
    StreamPosition acknowledged = stored("inbox:bob", "bob");
    assertThat(acknowledged.offset()).isBetween(1L, last.offset());
    c.transport().send("{}");
    Await.until("everything acknowledged", WAIT, () -> afterPing.equals(stored("inbox:bob", "bob")));
    assertThat(waiting(c)).isZero();
    assertThat(pings(c)).as("201 publications, 3 pings").isEqualTo(3);
  }

  @Test
  void withoutAPongNothingIsStoredSoAReconnectGetsThePublicationAgain() {
    start("50ms");
    StreamPosition first = bed.store("inbox:carol", "{\"n\":1}");
    Client c = connected("carol");
    c.transport().send("{\"id\":2,\"subscribe\":{\"channel\":\"inbox:carol\"}}");
    assertThat(reply(c, 2).path("subscribe").path("publications").findValuesAsText("offset")).containsExactly("1");
    Await.until("the ping after the first batch", WAIT, () -> pings(c) == 1);
    c.transport().send("{}");
    Await.until("the first batch acknowledged", WAIT, () -> first.equals(stored("inbox:carol", "carol")));
    bed.publish("inbox:carol", "{\"n\":2}");
    Await.until("the ping after the live publication", WAIT, () -> pings(c) == 2);
    c.transport().closeFromClient(1000); // gone before answering it: a crash, a closed tab
    Await.until("closed", WAIT, () -> waiting(c) == 0 && onLoop(edge, () -> c.session().state()) == ClientSession.State.CLOSED);
    assertThat(stored("inbox:carol", "carol")).isEqualTo(first);

    Client again = connected("carol");
    again.transport().send("{\"id\":2,\"subscribe\":{\"channel\":\"inbox:carol\"}}");
    JsonNode sub = reply(again, 2).path("subscribe");
    assertThat(sub.path("publications").findValuesAsText("offset")).as("redelivered: its pong never came").containsExactly("2");
  }

  @Test
  void publicationsOfOtherChannelsAndAZeroDelayAskForNoPing() {
    start("0s");
    Client c = subscribedToEmptyInbox("dave", "inbox:dave");
    bed.publish("inbox:dave", "{\"n\":1}");
    Await.until("the live publication", WAIT, () -> publications(c) == 1);
    assertThat(waiting(c)).as("client_sync_ack_delay 0: acknowledged at the regular ping only").isZero();
    bed.close();

    start("50ms");
    Client f = connected("erin");
    f.transport().send("{\"id\":2,\"subscribe\":{\"channel\":\"feed:news\"}}");
    reply(f, 2);
    bed.publish("feed:news", "{\"n\":1}");
    Await.until("the live publication", WAIT, () -> publications(f) == 1);
    assertThat(waiting(f)).as("not a user_sync channel").isZero();
    assertThat(pings(f)).isZero();
  }
}
