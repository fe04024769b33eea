package io.rebound.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.client.ClientProtocolTest.Recorder;
import io.rebound.testing.Await;
import io.rebound.testing.Closer;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.TcpProxy;
import io.rebound.testing.UniqueName;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client side of the protocol extensions (docs/EXTENSIONS.md) against a real node: session resume in both
 * directions across a TCP cut, the fall-back to per-channel recovery once the window is over, and discontinuity
 * signalling with the missing range read back through {@code until_attach}.
 */
class ReboundClientExtensionsIT {

  static final Duration WAIT = Duration.ofSeconds(30);
  static final String CONFIG = """
      {
        "name": "client-ext-it",
        "engine": "memory",
        "client_ping_interval": "60s", "client_pong_timeout": "30s",
        "client_queue_max_size": 262144,
        "client_resume_window": "60s",
        "namespaces": [
          {"name": "rec", "history_size": 2000, "history_ttl": "600s", "force_recovery": true,
           "allow_subscribe_for_client": true, "allow_publish_for_client": true, "allow_history_for_subscriber": true}
        ]
      }
      """;

  @RegisterExtension static final NodeExtension node = NodeExtension.of(CONFIG);
  @RegisterExtension final Closer open = new Closer();
  @RegisterExtension final UniqueName name = new UniqueName();
  TcpProxy proxy;
  String ch;

  @BeforeEach
  void setUp() {
    ch = name.in("rec");
    proxy = open.add(TcpProxy.start(node.clients(), List.of(node.port())));
  }

  ReboundClient client(String url, String user, ReboundClientOptions o, Recorder rec) {
    ReboundClient c = ReboundClient.create(node.clients(), o.url(url).token(node.token(user))
        .minReconnectDelay(Duration.ofMillis(50)).maxReconnectDelay(Duration.ofMillis(300))).addListener(rec);
    c.newSubscription(ch).addListener(rec).subscribe();
    c.connect();
    open.add(() -> Await.result(c.closeAsync()));
    Await.until(user + " subscribed", WAIT, () -> rec.subscribed.size() == 1);
    return c;
  }

  /** The values of {@code field} in the data of the publications that have it, in delivery order. */
  static List<Integer> values(List<Publication> pubs, String field) {
    synchronized (pubs) {
      return pubs.stream().filter(p -> p.data().has(field)).map(p -> p.data().get(field).asInt()).toList();
    }
  }

  static List<Integer> oneTo(int n) {
    return LongStream.rangeClosed(1, n).mapToObj(i -> (int) i).toList();
  }

  /** Publishes k = from..to through {@code c}, at most {@code window} in flight, in order; completes when all are answered. */
  static Future<Void> pump(ReboundClient c, String channel, int from, int to, int window) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    AtomicInteger next = new AtomicInteger(from);
    AtomicInteger answered = new AtomicInteger();
    Runnable[] issue = new Runnable[1];
    issue[0] = () -> {
      int k = next.getAndIncrement();
      if (k > to) return;
      c.publish(channel, Map.of("k", k)).onComplete(ar -> {
        if (ar.failed()) done.tryFail(ar.cause());
        else if (answered.incrementAndGet() == to - from + 1) done.tryComplete();
        else issue[0].run();
      });
    };
    c.context().runOnContext(v -> {
      for (int i = 0; i < window; i++) issue[0].run();
    });
    return done.future();
  }

  @Test
  void twoWayTrafficCutMidStreamIsResumedWithEverythingOnceInOrder() {
    Recorder watcherRec = new Recorder();
    client(node.wsUrl(), "watcher", new ReboundClientOptions(), watcherRec);
    Recorder rec = new Recorder();
    ReboundClient c = client(proxy.wsUrl(), "alice", new ReboundClientOptions(), rec);
    double resumedBefore = node.http().metric("rebound_sessions_resumed_total");

    int serverPubs = 150;
    int clientPubs = 150;
    Future<Void> publishing = pump(c, ch, 1, clientPubs, 8);
    for (int n = 1; n <= serverPubs; n++) {
      node.api("publish", Map.of("channel", ch, "data", Map.of("n", n)));
      if (n == 75) proxy.dropAll(); // both directions busy: replies, publications and commands in flight
    }
    Await.result(publishing, 30);
    int total = serverPubs + clientPubs;
    Await.until("every publication at the client", WAIT, () -> rec.pubs.size() >= total);
    Await.until("every publication at the watcher", WAIT, () -> watcherRec.pubs.size() >= total);

    assertThat(rec.offsets()).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
    assertThat(values(rec.pubs, "n")).containsExactlyElementsOf(oneTo(serverPubs));
    assertThat(values(rec.pubs, "k")).containsExactlyElementsOf(oneTo(clientPubs));
    assertThat(values(watcherRec.pubs, "k")).as("each client publish applied once, in order").containsExactlyElementsOf(oneTo(clientPubs));
    assertThat(rec.connected).extracting(ConnectedEvent::resumed).containsExactly(false, true);
    assertThat(rec.connected.get(1).client()).isEqualTo(rec.connected.get(0).client());
    assertThat(rec.subscribed).extracting(SubscribedEvent::resumed).containsExactly(false, true);
    assertThat(node.http().metric("rebound_sessions_resumed_total")).isEqualTo(resumedBefore + 1);
  }

  @Test
  void afterTheWindowTheResumeIsRefusedAndChannelRecoveryTakesOver() {
    Recorder watcherRec = new Recorder();
    client(node.wsUrl(), "watcher", new ReboundClientOptions(), watcherRec);
    Recorder rec = new Recorder();
    ReboundClient c = client(proxy.wsUrl(), "alice", new ReboundClientOptions().resumeWindow(Duration.ofMillis(1000)), rec);
    double resumedBefore = node.http().metric("rebound_sessions_resumed_total");
    for (int n = 1; n <= 10; n++) node.api("publish", Map.of("channel", ch, "data", Map.of("n", n)));
    Await.until("10 publications", WAIT, () -> rec.pubs.size() == 10);

    Future<Void> burst = pump(c, ch, 1, 30, 30); // 30 in flight when the connection goes
    proxy.hold();
    proxy.dropAll();
    for (int n = 11; n <= 20; n++) node.api("publish", Map.of("channel", ch, "data", Map.of("n", n)));
    Future<Void> offline = pump(c, ch, 31, 40, 10); // queued in the recovery buffer
    long windowOver = System.currentTimeMillis() + 2000;
    Await.until("the resume window is over", WAIT, () -> System.currentTimeMillis() > windowOver);
    proxy.release();
    Await.result(burst, 30);
    Await.result(offline, 30);
    Await.until("every publication at the client", WAIT, () -> rec.pubs.size() >= 60);
    Await.until("every client publish at the watcher", WAIT, () -> values(watcherRec.pubs, "k").size() >= 40);

    assertThat(rec.connected).extracting(ConnectedEvent::resumed).containsExactly(false, false);
    assertThat(rec.connected.get(1).client()).isNotEqualTo(rec.connected.get(0).client());
    SubscribedEvent again = rec.subscribed.get(rec.subscribed.size() - 1);
    assertThat(again.resumed()).isFalse();
    assertThat(again.wasRecovering()).isTrue();
    assertThat(again.recovered()).isTrue();
    assertThat(rec.offsets()).containsExactlyElementsOf(LongStream.rangeClosed(1, 60).boxed().toList());
    assertThat(values(rec.pubs, "n")).containsExactlyElementsOf(oneTo(20));
    assertThat(values(watcherRec.pubs, "k")).as("resent with their idempotency keys: applied once, in order")
        .containsExactlyElementsOf(oneTo(40));
    assertThat(node.http().metric("rebound_sessions_resumed_total")).isEqualTo(resumedBefore);
  }

  @Test
  void discontinuityIsSurfacedAndUntilAttachHistoryReturnsExactlyTheMissingRange() {
    Recorder rec = new Recorder();
    ReboundClient c = client(proxy.wsUrl(), "alice", new ReboundClientOptions().discontinuity(true), rec);
    double before = node.http().metric("rebound_discontinuities_total");
    proxy.stallDownstream(); // the client's downlink congests: the server's queue for it overflows
    int total = 400;
    String payload = "x".repeat(48 * 1024);
    for (int b = 0; b < total / 20; b++) {
      List<Map<String, Object>> commands = new ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        commands.add(Map.of("publish", Map.of("channel", ch, "data", Map.of("n", b * 20 + i, "p", payload))));
      }
      node.api("batch", Map.of("commands", commands));
    }
    Await.until("the server dropped publications", WAIT, () -> node.http().metric("rebound_discontinuities_total") > before);
    proxy.resumeDownstream();
    Await.until("the last publication", WAIT, () -> {
      StreamPosition p = c.subscription(ch).position();
      return p != null && p.offset() == total;
    });

    List<Discontinuity> ds = new ArrayList<>(rec.discontinuities);
    assertThat(ds).isNotEmpty().allSatisfy(d -> {
      assertThat(d.reason()).isEqualTo("overflow");
      assertThat(d.fillable()).isTrue();
    });
    TreeSet<Long> live = new TreeSet<>(rec.offsets());
    assertThat(live).hasSize(rec.offsets().size()); // no duplicate
    TreeSet<Long> all = new TreeSet<>(live);
    for (Discontinuity d : ds) { // pages of 4 x 48 KiB stay under client_queue_max_size
      List<Publication> missed = Await.result(c.missedPublications(d, 4), 30);
      assertThat(missed).extracting(Publication::offset).as("exactly (since, attach] of %s", d)
          .containsExactlyElementsOf(LongStream.rangeClosed(d.since().offset() + 1, d.attach().offset()).boxed().toList());
      for (Publication p : missed) {
        assertThat(live).as("a missed publication was not delivered live").doesNotContain(p.offset());
        assertThat(p.data().path("n").asLong()).isEqualTo(p.offset());
        all.add(p.offset());
      }
    }
    assertThat(all).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
    assertThat(Collections.unmodifiableList(rec.offsets())).isSorted();
    assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
    assertThat(rec.connected).hasSize(1); // the connection survived the overflow
  }
}
