package io.rebound.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.Await;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The client's wire behaviour against a scripted server (EXTENSIONS.md §2–3, PROTOCOL.md §3–5): what it sends in
 * {@code connect}, how it counts messages, what it resends after a resumed or a refused session, and how it handles
 * unsubscribe, discontinuity and close codes. The broker-side behaviour is covered by the {@code *IT} tests.
 */
class ClientProtocolTest extends AgainstScriptedServer {

  @Test
  void connectAsksForResumeAndTheExtensionsItIsConfiguredFor() {
    start(options().sync(false).discontinuity(true).name("app").version("1.2"), null);
    JsonNode connect = server.next().expect("connect");
    assertThat(connect.path("id").asLong()).isEqualTo(1);
    JsonNode c = connect.get("connect");
    assertThat(c.path("token").asText()).isEqualTo("tok");
    assertThat(c.path("resume_window").asLong()).isEqualTo(30_000);
    assertThat(c.has("resume")).isFalse();
    assertThat(c.path("sync").isBoolean() && !c.path("sync").asBoolean()).isTrue();
    assertThat(c.path("discontinuity").asBoolean()).isTrue();
    assertThat(c.path("name").asText()).isEqualTo("app");
    assertThat(c.path("version").asText()).isEqualTo("1.2");
  }

  @Test
  void defaultsSendNeitherSyncNorDiscontinuity() {
    start(options().resumeWindow(Duration.ZERO), null);
    JsonNode c = server.next().expect("connect").get("connect");
    assertThat(c.has("sync")).isFalse();
    assertThat(c.has("discontinuity")).isFalse();
    assertThat(c.has("resume_window")).isFalse();
  }

  @Test
  void aNewSessionSendsItsSubscribesWithTheConnectButAResumeWaitsForTheReply() {
    start(options(), "c");
    ScriptedServer.Conn conn = server.next();
    conn.expect("connect");
    assertThat(conn.expect("subscribe").path("id").asLong()).as("nothing to resume: pipelined").isEqualTo(2);
    conn.send("{\"id\":1,\"connect\":{\"client\":\"c1\",\"session\":\"s1\"}}",
        "{\"id\":2,\"subscribe\":{\"recoverable\":true,\"epoch\":\"e\",\"offset\":4}}");
    Await.until("subscribed", WAIT, () -> rec.subscribed.size() == 1);
    conn.close(3001, "shutdown");
    ScriptedServer.Conn conn2 = server.next();
    assertThat(conn2.expect("connect").path("connect").has("resume")).isTrue();
    assertThat(conn2.poll(300)).as("a resume may make the resubscribe unnecessary").isNull();
    conn2.send("{\"id\":1,\"connect\":{\"client\":\"c2\",\"resumed\":false}}");
    assertThat(conn2.expect("subscribe").path("subscribe").path("offset").asLong()).isEqualTo(4);
  }

  @Test
  void resumedSessionResendsOnlyCommandsAfterLastCommandAndDoesNotResubscribe() {
    Subscription sub = start(options(), "c");
    ScriptedServer.Conn conn = server.next();
    conn.expect("connect");
    conn.send("{\"id\":1,\"connect\":{\"client\":\"c1\",\"session\":\"s1\",\"resume_window\":20000,\"ping\":25,\"pong\":true}}",
        "{\"push\":{\"message\":{\"data\":\"hello\"}}}"); // counted: 1
    assertThat(conn.expect("subscribe").path("id").asLong()).isEqualTo(2);
    conn.send("{\"id\":2,\"subscribe\":{\"recoverable\":true,\"epoch\":\"e\",\"offset\":0}}", // 2
        "{}", // a ping: not counted, answered
        "{\"push\":{\"channel\":\"c\",\"pub\":{\"offset\":1,\"data\":{\"n\":1}}}}"); // 3
    assertThat(conn.poll(10_000).toString()).isEqualTo("{}"); // the pong
    Future<Void> p1 = client.publish("c", Map.of("n", "p1"));
    Future<Void> p2 = client.publish("c", Map.of("n", "p2"));
    JsonNode pub3 = conn.expect("publish");
    JsonNode pub4 = conn.expect("publish");
    assertThat(pub3.path("id").asLong()).isEqualTo(3);
    assertThat(pub4.path("id").asLong()).isEqualTo(4);
    String key4 = pub4.path("publish").path("idempotency_key").asText();
    assertThat(key4).isNotBlank().isNotEqualTo(pub3.path("publish").path("idempotency_key").asText());
    conn.send("{\"id\":3,\"publish\":{}}"); // 4
    Await.result(p1);
    Await.until("pub 1 and the message", WAIT, () -> rec.offsets().equals(List.of(1L)) && rec.messages.size() == 1);

    conn.close(3011, "force reconnect");
    ScriptedServer.Conn conn2 = server.next();
    JsonNode resume = conn2.expect("connect").path("connect").path("resume");
    assertThat(resume.path("session").asText()).isEqualTo("s1");
    assertThat(resume.path("received").asLong()).isEqualTo(4);
    conn2.send("{\"id\":1,\"connect\":{\"client\":\"c1\",\"session\":\"s1\",\"resumed\":true,\"last_command\":3}}");
    JsonNode resent = conn2.expect("publish");
    assertThat(resent.path("id").asLong()).isEqualTo(4);
    assertThat(resent.path("publish").path("idempotency_key").asText()).isEqualTo(key4);
    conn2.send("{\"push\":{\"channel\":\"c\",\"pub\":{\"offset\":1,\"data\":{\"n\":1}}}}", // a repeat: dropped
        "{\"push\":{\"channel\":\"c\",\"pub\":{\"offset\":2,\"data\":{\"n\":2}}}}", "{\"id\":4,\"publish\":{}}");
    Await.result(p2);
    client.publish("c", Map.of("n", "p3"));
    assertThat(conn2.expect("publish").path("id").asLong()).as("no resubscribe in between").isEqualTo(5);

    assertThat(rec.offsets()).containsExactly(1L, 2L);
    assertThat(rec.connected).extracting(ConnectedEvent::resumed).containsExactly(false, true);
    assertThat(rec.subscribed).extracting(SubscribedEvent::resumed).containsExactly(false, true);
    assertThat(sub.state()).isEqualTo(SubscriptionState.SUBSCRIBED);
    assertThat(sub.position()).isEqualTo(new StreamPosition(2, "e"));
  }

  @Test
  void refusedResumeRecoversPerChannelAndResendsPublishesWithTheirKeys() {
    start(options(), "c");
    ScriptedServer.Conn conn = server.next();
    conn.expect("connect");
    conn.send("{\"id\":1,\"connect\":{\"client\":\"c1\",\"session\":\"s1\"}}");
    conn.expect("subscribe");
    conn.send("{\"id\":2,\"subscribe\":{\"recoverable\":true,\"epoch\":\"e\",\"offset\":5}}",
        "{\"push\":{\"channel\":\"c\",\"pub\":{\"offset\":6,\"data\":6}}}\n{\"push\":{\"channel\":\"c\",\"pub\":{\"offset\":7,\"data\":7}}}");
    Future<Void> p = client.publish("c", "x");
    String key = conn.expect("publish").path("publish").path("idempotency_key").asText();
    Await.until("two publications", WAIT, () -> rec.offsets().size() == 2);
    conn.close(3001, "shutdown");

    ScriptedServer.Conn conn2 = server.next();
    assertThat(conn2.expect("connect").path("connect").path("resume").path("received").asLong()).isEqualTo(3);
    conn2.send("{\"id\":1,\"connect\":{\"client\":\"c2\",\"session\":\"s2\"}}"); // no "resumed": refused
    JsonNode subscribe = conn2.expect("subscribe");
    assertThat(subscribe.path("subscribe").toString()).isEqualTo("{\"channel\":\"c\",\"recover\":true,\"offset\":7,\"epoch\":\"e\"}");
    assertThat(conn2.poll(200)).as("the publish waits for the resubscribe to be answered").isNull();
    conn2.send("{\"id\":" + subscribe.path("id") + ",\"subscribe\":{\"recoverable\":true,\"epoch\":\"e\",\"offset\":7,"
        + "\"recovered\":true,\"was_recovering\":true,\"publications\":[{\"offset\":7,\"data\":7},{\"offset\":8,\"data\":8}]}}");
    JsonNode resent = conn2.expect("publish");
    assertThat(resent.path("id").asLong()).isGreaterThan(subscribe.path("id").asLong());
    assertThat(resent.path("publish").path("idempotency_key").asText()).isEqualTo(key);
    conn2.send("{\"id\":" + resent.path("id") + ",\"publish\":{}}");
    Await.result(p);
    assertThat(rec.offsets()).containsExactly(6L, 7L, 8L);
    SubscribedEvent again = rec.subscribed.get(1);
    assertThat(again.wasRecovering()).isTrue();
    assertThat(again.recovered()).isTrue();
    assertThat(again.resumed()).isFalse();
    assertThat(client.clientId()).isEqualTo("c2");

    conn2.close(3001, "shutdown"); // the count restarted with the new session: 2 messages
    JsonNode resume = server.next().expect("connect").path("connect").path("resume");
    assertThat(resume.path("session").asText()).isEqualTo("s2");
    assertThat(resume.path("received").asLong()).isEqualTo(2);
  }

  @Test
  void unsubscribePushFrom2500ResubscribesWithRecoveryAndBelowIsFinal() {
    Subscription sub = start(options(), "c");
    ScriptedServer.Conn conn = server.next();
    conn.expect("connect");
    conn.send("{\"id\":1,\"connect\":{\"client\":\"c1\"}}");
    conn.expect("subscribe");
    conn.send("{\"id\":2,\"subscribe\":{\"recoverable\":true,\"epoch\":\"e\",\"offset\":3}}");
    Await.until("subscribed", WAIT, () -> sub.state() == SubscriptionState.SUBSCRIBED);
    conn.send("{\"push\":{\"channel\":\"c\",\"unsubscribe\":{\"code\":2500,\"reason\":\"insufficient state\"}}}");
    assertThat(conn.expect("subscribe").path("subscribe").toString()).isEqualTo("{\"channel\":\"c\",\"recover\":true,\"offset\":3,\"epoch\":\"e\"}");
    assertThat(rec.subscribing).contains(2500);
    conn.send("{\"id\":3,\"subscribe\":{\"recoverable\":true,\"epoch\":\"e\",\"offset\":3,\"recovered\":true,\"was_recovering\":true}}");
    Await.until("subscribed again", WAIT, () -> rec.subscribed.size() == 2);
    conn.send("{\"push\":{\"channel\":\"c\",\"unsubscribe\":{\"code\":2502,\"reason\":\"invalidated\"}}}");
    assertThat(conn.expect("subscribe").path("subscribe").toString()).isEqualTo("{\"channel\":\"c\",\"recover\":true,\"epoch\":\"_\"}");
    conn.send("{\"id\":4,\"subscribe\":{\"recoverable\":true,\"epoch\":\"e\",\"offset\":3}}");
    Await.until("subscribed a third time", WAIT, () -> rec.subscribed.size() == 3);
    conn.send("{\"push\":{\"channel\":\"c\",\"unsubscribe\":{\"code\":2000,\"reason\":\"server unsubscribe\"}}}");
    Await.until("unsubscribed", WAIT, () -> !rec.unsubscribed.isEmpty());
    assertThat(sub.state()).isEqualTo(SubscriptionState.UNSUBSCRIBED);
    assertThat(rec.unsubscribed).containsExactly(2000);
    assertThat(conn.poll(300)).isNull();
  }

  @Test
  void discontinuityIsSurfacedAndMissedPublicationsPageForwardUntilAttach() {
    Subscription sub = start(options().discontinuity(true), "c");
    ScriptedServer.Conn conn = server.next();
    conn.expect("connect");
    conn.send("{\"id\":1,\"connect\":{\"client\":\"c1\"}}");
    conn.expect("subscribe");
    conn.send("{\"id\":2,\"subscribe\":{\"recoverable\":true,\"epoch\":\"e\",\"offset\":41}}",
        "{\"push\":{\"channel\":\"c\",\"discontinuity\":{\"reason\":\"gap\",\"since\":{\"offset\":41,\"epoch\":\"e\"},"
            + "\"attach\":{\"offset\":47,\"epoch\":\"e\"}}}}",
        "{\"push\":{\"channel\":\"c\",\"pub\":{\"offset\":47,\"data\":47}}}", // at the attach position: already covered
        "{\"push\":{\"channel\":\"c\",\"pub\":{\"offset\":48,\"data\":48}}}");
    Await.until("discontinuity and live pub", WAIT, () -> rec.discontinuities.size() == 1 && rec.offsets().size() == 1);
    Discontinuity d = rec.discontinuities.get(0);
    assertThat(d).isEqualTo(new Discontinuity("c", "gap", new StreamPosition(41, "e"), new StreamPosition(47, "e")));
    assertThat(rec.offsets()).containsExactly(48L);

    Future<List<Publication>> missed = sub.missedPublications(d, 4);
    JsonNode h1 = conn.expect("history");
    assertThat(h1.path("history").toString())
        .isEqualTo("{\"channel\":\"c\",\"limit\":4,\"since\":{\"offset\":41,\"epoch\":\"e\"},\"until_attach\":true}");
    conn.send("{\"id\":" + h1.path("id") + ",\"history\":{\"publications\":[{\"offset\":42,\"data\":42},{\"offset\":43,\"data\":43},"
        + "{\"offset\":44,\"data\":44},{\"offset\":45,\"data\":45}],\"epoch\":\"e\",\"offset\":48}}");
    JsonNode h2 = conn.expect("history");
    assertThat(h2.path("history").path("since").path("offset").asLong()).isEqualTo(45);
    conn.send("{\"id\":" + h2.path("id") + ",\"history\":{\"publications\":[{\"offset\":46,\"data\":46},{\"offset\":47,\"data\":47}],"
        + "\"epoch\":\"e\",\"offset\":48}}");
    assertThat(Await.result(missed)).extracting(Publication::offset).containsExactly(42L, 43L, 44L, 45L, 46L, 47L);
  }

  @Test
  void aFullRecoveryBufferFailsPublishAtOnceAndQueuedCommandsGoOutOnConnect() {
    start(options().recoveryBufferSize(2), null);
    ScriptedServer.Conn conn = server.next();
    conn.expect("connect"); // not answered yet: the client is connecting
    Future<Void> a = client.publish("c", 1);
    Future<Void> b = client.publish("c", 2);
    Throwable refused = Await.failure(client.publish("c", 3));
    assertThat(refused).isInstanceOf(RecoveryBufferFullException.class).hasMessageContaining("recovery buffer full");
    conn.send("{\"id\":1,\"connect\":{\"client\":\"c1\"}}");
    JsonNode first = conn.expect("publish");
    JsonNode second = conn.expect("publish");
    conn.send("{\"id\":" + first.path("id") + ",\"publish\":{}}", "{\"id\":" + second.path("id") + ",\"publish\":{}}");
    Await.result(a);
    Await.result(b);
    Future<Void> c = client.publish("c", 4); // room again: accepted
    JsonNode third = conn.expect("publish");
    conn.send("{\"id\":" + third.path("id") + ",\"publish\":{}}");
    Await.result(c);
  }

  @Test
  void aServerCloseFrom3500StopsAndBelowReconnects() {
    start(options(), null);
    ScriptedServer.Conn conn = server.next();
    conn.expect("connect");
    conn.send("{\"id\":1,\"connect\":{\"client\":\"c1\"}}");
    conn.close(3001, "shutdown");
    ScriptedServer.Conn conn2 = server.next();
    conn2.expect("connect");
    conn2.send("{\"id\":1,\"connect\":{\"client\":\"c2\"}}");
    Await.until("connected again", WAIT, () -> client.state() == ClientState.CONNECTED && "c2".equals(client.clientId()));
    assertThat(rec.reconnecting).extracting(ReconnectingEvent::code).containsExactly(3001);
    conn2.close(3503, "force disconnect");
    Await.until("disconnected", WAIT, () -> !rec.disconnected.isEmpty());
    assertThat(client.state()).isEqualTo(ClientState.DISCONNECTED);
    assertThat(rec.disconnected).containsExactly(new DisconnectedEvent(3503, "force disconnect"));
    server.assertNoConnection(300);
  }

  @Test
  void serverSideSubscriptionsArePositionedAndSentBackInConnectSubs() {
    start(options().resumeWindow(Duration.ZERO), null);
    ScriptedServer.Conn conn = server.next();
    conn.expect("connect");
    conn.send("{\"id\":1,\"connect\":{\"client\":\"c1\",\"subs\":{\"$s\":{\"recoverable\":true,\"epoch\":\"e\",\"offset\":3}}}}",
        "{\"push\":{\"channel\":\"$s\",\"pub\":{\"offset\":4,\"data\":4}}}",
        "{\"push\":{\"channel\":\"$s\",\"pub\":{\"offset\":4,\"data\":4}}}",
        "{\"push\":{\"channel\":\"$t\",\"subscribe\":{\"recoverable\":true,\"epoch\":\"f\",\"offset\":9}}}");
    Await.until("server publication and subscribe push", WAIT, () -> rec.serverPubs.size() == 1 && rec.serverSubscribed.size() == 2);
    conn.close(3001, "shutdown");
    ScriptedServer.Conn conn2 = server.next();
    JsonNode c = conn2.expect("connect").path("connect");
    assertThat(c.path("subs").toString())
        .isEqualTo("{\"$s\":{\"recover\":true,\"offset\":4,\"epoch\":\"e\"},\"$t\":{\"recover\":true,\"offset\":9,\"epoch\":\"f\"}}");
    conn2.send("{\"id\":1,\"connect\":{\"client\":\"c2\",\"subs\":{\"$s\":{\"recoverable\":true,\"epoch\":\"e\",\"offset\":4,"
        + "\"recovered\":true,\"was_recovering\":true,\"publications\":[{\"offset\":5,\"data\":5}]}}}}");
    Await.until("recovered publication, $t gone", WAIT, () -> rec.serverPubs.size() == 2 && rec.serverUnsubscribed.contains("$t"));
    assertThat(rec.serverPubs).extracting(Publication::offset).containsExactly(4L, 5L);
  }

  @Test
  void noPongUnlessTheServerAsksForIt() {
    start(options(), null);
    ScriptedServer.Conn conn = server.next();
    conn.expect("connect");
    conn.send("{\"id\":1,\"connect\":{\"client\":\"c1\",\"ping\":25}}", "{}");
    assertThat(conn.poll(300)).isNull();
  }

  /** Records every event; lists are synchronized (events arrive on the client's context, asserts on the test thread). */
  static final class Recorder implements ClientListener, SubscriptionListener {
    final List<ConnectedEvent> connected = Collections.synchronizedList(new ArrayList<>());
    final List<ReconnectingEvent> reconnecting = Collections.synchronizedList(new ArrayList<>());
    final List<DisconnectedEvent> disconnected = Collections.synchronizedList(new ArrayList<>());
    final List<GaveUpEvent> gaveUp = Collections.synchronizedList(new ArrayList<>());
    final List<JsonNode> messages = Collections.synchronizedList(new ArrayList<>());
    final List<SubscribedEvent> subscribed = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> subscribing = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> unsubscribed = Collections.synchronizedList(new ArrayList<>());
    final List<Publication> pubs = Collections.synchronizedList(new ArrayList<>());
    final List<Discontinuity> discontinuities = Collections.synchronizedList(new ArrayList<>());
    final List<SubscribedEvent> serverSubscribed = Collections.synchronizedList(new ArrayList<>());
    final List<Publication> serverPubs = Collections.synchronizedList(new ArrayList<>());
    final List<String> serverUnsubscribed = Collections.synchronizedList(new ArrayList<>());
    final List<ClientInfo> joins = Collections.synchronizedList(new ArrayList<>());
    final List<ClientInfo> leaves = Collections.synchronizedList(new ArrayList<>());
    final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());

    List<Long> offsets() {
      synchronized (pubs) {
        return pubs.stream().map(Publication::offset).toList();
      }
    }

    @Override public void onConnected(ConnectedEvent e) { connected.add(e); }
    @Override public void onReconnecting(ReconnectingEvent e) { reconnecting.add(e); }
    @Override public void onDisconnected(DisconnectedEvent e) { disconnected.add(e); }
    @Override public void onGaveUp(GaveUpEvent e) { gaveUp.add(e); }
    @Override public void onMessage(JsonNode data) { messages.add(data); }
    @Override public void onServerSubscribed(SubscribedEvent e) { serverSubscribed.add(e); }
    @Override public void onServerPublication(Publication p) { serverPubs.add(p); }
    @Override public void onServerUnsubscribed(String channel, int code, String reason) { serverUnsubscribed.add(channel); }
    @Override public void onSubscribing(int code, String reason) { subscribing.add(code); }
    @Override public void onSubscribed(SubscribedEvent e) { subscribed.add(e); }
    @Override public void onUnsubscribed(int code, String reason) { unsubscribed.add(code); }
    @Override public void onPublication(Publication p) { pubs.add(p); }
    @Override public void onDiscontinuity(Discontinuity d) { discontinuities.add(d); }
    @Override public void onJoin(ClientInfo info) { joins.add(info); }
    @Override public void onLeave(ClientInfo info) { leaves.add(info); }
    @Override public void onError(Throwable error) { errors.add(error); }
  }
}
