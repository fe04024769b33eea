package io.rebound.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.client.ClientProtocolTest.Recorder;
import io.rebound.testing.Await;
import io.rebound.testing.Closer;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.RunningNode;
import io.rebound.testing.TcpProxy;
import io.rebound.testing.UniqueName;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Java client against a real node over real WebSockets: round trip, per-channel recovery across a TCP cut,
 * server-side subscriptions, giving up, the recovery buffer limit and token refresh.
 */
class ReboundClientIT {

  static final Duration WAIT = Duration.ofSeconds(20);
  static final String CONFIG = """
      {
        "name": "client-it",
        "engine": "memory",
        "client_ping_interval": "1s", "client_pong_timeout": "500ms", "client_expired_close_delay": "1s",
        "namespaces": [
          {"name": "rec", "history_size": 1000, "history_ttl": "600s", "force_recovery": true,
           "allow_subscribe_for_client": true, "allow_publish_for_client": true, "allow_history_for_client": true,
           "presence": true, "allow_presence_for_client": true},
          {"name": "srv", "history_size": 1000, "history_ttl": "600s", "force_recovery": true}
        ]
      }
      """;

  @RegisterExtension static final NodeExtension node = NodeExtension.of(CONFIG);
  @RegisterExtension final Closer open = new Closer();
  @RegisterExtension final UniqueName name = new UniqueName();

  ReboundClientOptions options(String url) {
    return new ReboundClientOptions().url(url).token(node.token("alice"))
        .minReconnectDelay(Duration.ofMillis(50)).maxReconnectDelay(Duration.ofMillis(300));
  }

  /** A client closed (and waited for) after the test. */
  ReboundClient client(ReboundClientOptions o, Recorder rec) {
    ReboundClient c = ReboundClient.create(node.clients(), o).addListener(rec);
    open.add(() -> Await.result(c.closeAsync()));
    return c;
  }

  @Test
  void connectSubscribePublishRoundTrip() {
    Recorder rec = new Recorder();
    ReboundClient sub = client(options(node.wsUrl()), rec);
    Subscription s = sub.newSubscription(name.in("rec")).addListener(rec);
    s.subscribe();
    sub.connect();
    Await.until("subscribed", WAIT, () -> rec.subscribed.size() == 1);
    assertThat(rec.connected).hasSize(1);
    assertThat(rec.connected.get(0).resumed()).isFalse();
    assertThat(sub.clientId()).isNotBlank();

    ReboundClient pub = client(options(node.wsUrl()).token(node.token("bob")), new Recorder());
    pub.connect();
    for (int i = 1; i <= 5; i++) Await.result(pub.publish(name.in("rec"), Map.of("n", i)));
    Await.until("5 publications", WAIT, () -> rec.pubs.size() == 5);
    assertThat(rec.offsets()).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(rec.pubs).extracting(p -> p.data().path("n").asInt()).containsExactly(1, 2, 3, 4, 5);
    assertThat(rec.pubs.get(0).info().user()).isEqualTo("bob");
    assertThat(s.position().offset()).isEqualTo(5);

    HistoryResult h = Await.result(sub.history(name.in("rec"), HistoryOptions.since(new StreamPosition(2, s.position().epoch()), 10)));
    assertThat(h.publications()).extracting(Publication::offset).containsExactly(3L, 4L, 5L);
    assertThat(h.top()).isEqualTo(s.position());
    assertThat(Await.result(s.presenceStats()).numClients()).isEqualTo(1);
    assertThat(Await.result(s.presence())).containsKey(sub.clientId());
    Throwable denied = Await.failure(pub.publish(name.in("nons"), Map.of("n", 0)));
    assertThat(denied).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) denied).code()).isEqualTo(102);
  }

  @Test
  void recoversEveryPublicationOnceInOrderAfterTheTcpConnectionIsCut() {
    TcpProxy proxy = open.add(TcpProxy.start(node.clients(), List.of(node.port())));
    Recorder rec = new Recorder();
    ReboundClient c = client(options(proxy.wsUrl()).resumeWindow(Duration.ZERO), rec);
    Subscription s = c.newSubscription(name.in("rec")).addListener(rec);
    s.subscribe();
    c.connect();
    Await.until("subscribed", WAIT, () -> rec.subscribed.size() == 1);
    int total = 300;
    for (int i = 1; i <= total; i++) {
      node.publish(name.in("rec"), i);
      if (i == 100) {
        proxy.hold();
        proxy.dropAll();
      }
      if (i == 200) proxy.release();
    }
    Await.until(total + " publications", WAIT, () -> rec.pubs.size() >= total);
    assertThat(rec.offsets()).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
    assertThat(rec.pubs).extracting(p -> p.data().path("n").asInt()).containsExactlyElementsOf(
        LongStream.rangeClosed(1, total).mapToObj(i -> (int) i).toList());
    assertThat(rec.subscribed).hasSize(2);
    SubscribedEvent again = rec.subscribed.get(1);
    assertThat(again.wasRecovering()).isTrue();
    assertThat(again.recovered()).isTrue();
    assertThat(rec.subscribing).contains(ReboundClient.RECONNECT_TRANSPORT_CLOSED);
    assertThat(rec.reconnecting).isNotEmpty();
  }

  @Test
  void serverSideSubscriptionsRecoverThroughConnectSubs() {
    TcpProxy proxy = open.add(TcpProxy.start(node.clients(), List.of(node.port())));
    String channel = name.in("srv");
    String token = node.sign(Map.of("sub", "carol", "exp", System.currentTimeMillis() / 1000 + 3600, "channels", List.of(channel)));
    Recorder rec = new Recorder();
    ReboundClient c = client(options(proxy.wsUrl()).token(token).resumeWindow(Duration.ZERO), rec);
    c.connect();
    Await.until("server-side subscribed", WAIT, () -> rec.serverSubscribed.size() == 1);
    for (int i = 1; i <= 10; i++) node.publish(channel, i);
    Await.until("10 publications", WAIT, () -> rec.serverPubs.size() == 10);
    proxy.hold();
    proxy.dropAll();
    for (int i = 11; i <= 20; i++) node.publish(channel, i);
    proxy.release();
    Await.until("20 publications", WAIT, () -> rec.serverPubs.size() >= 20);
    assertThat(rec.serverPubs).extracting(Publication::offset).containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
    assertThat(rec.serverSubscribed).hasSize(2);
    assertThat(rec.serverSubscribed.get(1).wasRecovering()).isTrue();
    assertThat(rec.serverSubscribed.get(1).recovered()).isTrue();
  }

  @Test
  void givesUpWhenTheServerIsGoneForLongerThanTheReconnectTimeout() {
    RunningNode doomed = RunningNode.start(CONFIG); // closed by the test itself
    Recorder rec = new Recorder();
    ReboundClient c = client(new ReboundClientOptions().url(doomed.wsUrl()).token(doomed.token("dave"))
        .minReconnectDelay(Duration.ofMillis(100)).maxReconnectDelay(Duration.ofMillis(400))
        .reconnectTimeout(Duration.ofMillis(2000)), rec);
    c.connect();
    Await.until("connected", WAIT, () -> c.state() == ClientState.CONNECTED);
    doomed.close();
    Await.until("reconnecting", WAIT, () -> c.state() == ClientState.RECONNECTING);
    Future<Void> pending = c.publish(name.in("rec"), Map.of("n", 1)); // waits in the buffer while reconnecting
    Await.until("gave up", WAIT, () -> !rec.gaveUp.isEmpty());
    assertThat(c.state()).isEqualTo(ClientState.GAVE_UP);
    GaveUpEvent g = rec.gaveUp.get(0);
    assertThat(g.afterMs()).isBetween(1900L, 5000L);
    assertThat(g.attempts()).isGreaterThan(1);
    assertThat(Await.failure(pending)).isInstanceOf(ClientClosedException.class).hasMessageContaining("gave up");
    assertThat(Await.failure(c.publish(name.in("rec"), 2))).isInstanceOf(ClientClosedException.class);
    assertThat(rec.reconnecting.get(0).code()).isEqualTo(3001); // shutdown: reconnect
    // the delays grew (jittered, within the ceilings) until the client gave up
    for (int i = 0; i < rec.reconnecting.size(); i++) {
      assertThat(rec.reconnecting.get(i).delayMs()).isBetween(100L, 400L);
    }
  }

  @Test
  void aFullRecoveryBufferFailsPublishAndTheQueuedOnesAreSentOnceConnected() {
    TcpProxy proxy = open.add(TcpProxy.start(node.clients(), List.of(node.port())));
    Recorder rec = new Recorder();
    ReboundClient watcher = client(options(node.wsUrl()), rec);
    watcher.newSubscription(name.in("rec")).addListener(rec).subscribe();
    watcher.connect();
    Await.until("watcher subscribed", WAIT, () -> rec.subscribed.size() == 1);

    proxy.hold(); // the publisher's connection waits: it stays CONNECTING
    ReboundClient c = client(options(proxy.wsUrl()).recoveryBufferSize(3), new Recorder());
    c.connect();
    List<Future<Void>> queued = new ArrayList<>();
    for (int i = 1; i <= 3; i++) queued.add(c.publish(name.in("rec"), Map.of("n", i)));
    Throwable full = Await.failure(c.publish(name.in("rec"), Map.of("n", 4)));
    assertThat(full).isInstanceOf(RecoveryBufferFullException.class);
    assertThat(Await.result(c.pendingCommands())).isEqualTo(3);
    proxy.release();
    queued.forEach(Await::result);
    Await.until("3 publications", WAIT, () -> rec.pubs.size() == 3);
    assertThat(rec.pubs).extracting(p -> p.data().path("n").asInt()).containsExactly(1, 2, 3);
    assertThat(Await.result(c.pendingCommands())).isZero();
  }

  @Test
  void fetchesANewTokenAfter109AndRefreshesBeforeExpiry() {
    long now = System.currentTimeMillis() / 1000;
    AtomicInteger calls = new AtomicInteger();
    Recorder rec = new Recorder();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    ReboundClient c = client(options(node.wsUrl())
        .token(node.sign(Map.of("sub", "erin", "exp", now - 10))) // expired: the connect answers 109
        .tokenSupplier(() -> {
          int n = calls.incrementAndGet();
          // the first fresh token expires in 2 s: the client must refresh it before the server closes with 3005
          long exp = System.currentTimeMillis() / 1000 + (n == 1 ? 2 : 3600);
          return Future.succeededFuture(node.sign(Map.of("sub", "erin", "exp", exp)));
        }), rec);
    c.addListener(new ClientListener() {
      @Override
      public void onError(Throwable error) {
        errors.add(error);
      }
    });
    c.connect();
    Await.until("connected", WAIT, () -> c.state() == ClientState.CONNECTED);
    assertThat(errors).singleElement().isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.code()).isEqualTo(109));
    String id = c.clientId();
    Await.until("refreshed", WAIT, () -> calls.get() >= 2);
    long past = System.currentTimeMillis() + 3500; // beyond exp (2 s) + client_expired_close_delay (1 s)
    Await.until("the expiry has passed", WAIT, () -> System.currentTimeMillis() > past);
    Await.result(c.publish(name.in("rec"), Map.of("still", "here")));
    assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
    assertThat(c.clientId()).isEqualTo(id);
    assertThat(rec.connected).hasSize(1);
    assertThat(rec.reconnecting).hasSize(1); // only the 109 retry; pings answered, no 3005, no 3012
    assertThat(rec.reconnecting.get(0).code()).isEqualTo(109);
  }
}
