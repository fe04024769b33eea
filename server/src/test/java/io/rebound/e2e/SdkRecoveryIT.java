package io.rebound.e2e;

import static io.rebound.testing.SdkClient.is;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.Await;
import io.rebound.testing.Closer;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.SdkClient;
import io.rebound.testing.RunningNode;
import io.rebound.testing.UniqueName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * End-to-end: a real node driven by the real {@code centrifuge} npm SDK (5.8.0) through {@code
 * src/test/js/driver.mjs}. Checks what the SDK observes (PROTOCOL.md §3.4, §7): offsets, recovery
 * flags, exactly-once in-order delivery across socket cuts, refusals and token errors.
 */
class SdkRecoveryIT {

  static final String CONFIG = """
      {
        "name": "e2e-sdk",
        "engine": "memory",
        "namespaces": [
          {"name": "rec", "history_size": 1000, "history_ttl": "600s", "force_recovery": true,
           "allow_subscribe_for_client": true},
          {"name": "small", "history_size": 5, "history_ttl": "600s", "force_recovery": true,
           "allow_subscribe_for_client": true},
          {"name": "ttl", "history_size": 100, "history_ttl": "1s", "force_recovery": true,
           "allow_subscribe_for_client": true},
          {"name": "personal", "history_size": 10, "history_ttl": "600s", "force_recovery": true,
           "allow_user_limited_channels": true},
          {"name": "srv", "history_size": 100, "history_ttl": "600s", "force_recovery": true}
        ]
      }
      """;

  static final String CAPPED_CONFIG = """
      {
        "name": "e2e-sdk-capped",
        "engine": "memory",
        "client_recovery_max_publication_limit": 5,
        "namespaces": [
          {"name": "rec", "history_size": 1000, "history_ttl": "600s", "force_recovery": true,
           "allow_subscribe_for_client": true}
        ]
      }
      """;

  @RegisterExtension static final NodeExtension node = NodeExtension.of(CONFIG);
  @RegisterExtension final Closer open = new Closer();
  @RegisterExtension final UniqueName name = new UniqueName();
  int clientCount;

  private String channel(String namespace) {
    return name.in(namespace);
  }

  private SdkClient client(RunningNode on, String user, List<String> channels) {
    return client(on, on.token(user), channels, false);
  }

  private SdkClient client(RunningNode on, String token, List<String> channels, boolean askForTokens) {
    return open.add(SdkClient.driver(name.get() + "-" + clientCount++, on, token, channels, askForTokens));
  }

  private static JsonNode subscribed(SdkClient c, String scope, String channel, int from) {
    return c.await("subscribed " + channel, from, is(scope, "subscribed", channel));
  }

  /** The data numbers of the publications of {@code channel} the SDK reported, in order. */
  private static List<Integer> numbers(SdkClient c, String scope, String channel) {
    return c.publications(scope, channel).stream().map(e -> e.path("data").path("n").asInt()).toList();
  }

  private static List<Long> offsets(SdkClient c, String scope, String channel) {
    return c.publications(scope, channel).stream().map(e -> e.path("offset").asLong()).toList();
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> out = new ArrayList<>();
    for (int i = from; i <= to; i++) out.add(i);
    return out;
  }

  private static List<Long> offsetRange(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) out.add(i);
    return out;
  }

  /** Waits until the SDK sees the transport gone (it moved to connecting). */
  private static void awaitOffline(SdkClient c, int from) {
    c.await("SDK notices the cut", from, is("client", "connecting"));
  }

  // ---- tests -------------------------------------------------------------------------------------

  @Test
  void publicationsArriveWithOffsets() {
    String ch = channel("rec");
    SdkClient c = client(node.running(), "alice", List.of(ch));
    JsonNode sub = subscribed(c, "sub", ch, 0);
    assertThat(sub.path("recoverable").asBoolean()).isTrue();
    assertThat(sub.path("wasRecovering").asBoolean()).isFalse();
    String epoch = sub.path("epoch").asText();
    assertThat(epoch).isNotEmpty();

    for (int i = 1; i <= 3; i++) {
      JsonNode r = node.publish(ch, i);
      assertThat(r.path("offset").asLong()).isEqualTo(i);
      assertThat(r.path("epoch").asText()).isEqualTo(epoch);
    }
    c.until("3 publications", ev -> numbers(c, "sub", ch).size() >= 3);
    assertThat(numbers(c, "sub", ch)).containsExactly(1, 2, 3);
    assertThat(offsets(c, "sub", ch)).containsExactly(1L, 2L, 3L);
  }

  /** Publishes {@code {"n": 1..}} in a background thread, up to a limit the test raises step by step. */
  static final class Publisher implements AutoCloseable {
    final AtomicInteger published = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile int limit;
    private volatile boolean stop;
    private final Thread thread;

    Publisher(RunningNode on, String channel) {
      thread = new Thread(() -> {
        try {
          while (!stop) {
            int next = published.get() + 1;
            if (next > limit) {
              synchronized (this) {
                if (next > limit && !stop) this.wait();
              }
              continue;
            }
            JsonNode r = on.publish(channel, next);
            if (r.path("offset").asLong() != next) throw new AssertionError("publish " + next + " got " + r);
            published.set(next);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (Throwable t) {
          failure.set(t);
        }
      }, "publisher-" + channel);
      thread.setDaemon(true);
      thread.start();
    }

    synchronized void allowUpTo(int n) {
      limit = n;
      notifyAll();
    }

    void awaitPublished(int n) {
      Await.until("published " + n, Duration.ofSeconds(30), () -> {
        if (failure.get() != null) throw new AssertionError("publisher failed", failure.get());
        return published.get() >= n;
      });
    }

    @Override
    public void close() throws InterruptedException {
      synchronized (this) {
        stop = true;
        notifyAll();
      }
      thread.join(10_000);
      if (failure.get() != null) throw new AssertionError("publisher failed", failure.get());
    }
  }

  @Test
  void cutWhilePublishingRecoversEveryPublicationExactlyOnceInOrder() throws Exception {
    String ch = channel("rec");
    int total = 300;
    SdkClient c = client(node.running(), "alice", List.of(ch));
    subscribed(c, "sub", ch, 0);
    try (Publisher pub = new Publisher(node.running(), ch)) {
      pub.allowUpTo(60);
      // Cut while the publisher is running: some publications are in flight around the cut.
      c.until("10 live publications", ev -> numbers(c, "sub", ch).size() >= 10);
      int beforeCut = c.mark();
      c.send("offline");
      awaitOffline(c, beforeCut);
      // Publications made while the client is certainly away.
      int atOutage = pub.published.get();
      pub.allowUpTo(Math.max(60, atOutage) + 60);
      pub.awaitPublished(Math.max(60, atOutage) + 60);
      // Keep publishing while the SDK reconnects and recovers.
      pub.allowUpTo(total);
      c.send("online");
      pub.awaitPublished(total);
      c.until("all " + total + " publications", Duration.ofSeconds(30), ev -> numbers(c, "sub", ch).size() >= total);
    }
    List<JsonNode> subs = c.events(is("sub", "subscribed", ch));
    // One reconnect, one recovery: the server must not lose track of the position it just recovered
    // (an "insufficient state" 2500 here would mean the replay and the live stream overlapped or gapped).
    assertThat(c.events(is("sub", "subscribing", ch).and(e -> e.path("code").asInt() == 2500))).isEmpty();
    assertThat(subs).hasSize(2);
    assertThat(subs.get(0).path("wasRecovering").asBoolean()).isFalse();
    for (JsonNode s : subs.subList(1, subs.size())) {
      assertThat(s.path("wasRecovering").asBoolean()).as("wasRecovering of %s", s).isTrue();
      assertThat(s.path("recovered").asBoolean()).as("recovered of %s", s).isTrue();
    }
    assertThat(subs.get(1).path("hasRecoveredPublications").asBoolean())
        .as("the publications of the outage are replayed").isTrue();
    assertThat(numbers(c, "sub", ch)).isEqualTo(range(1, total));
    assertThat(offsets(c, "sub", ch)).isEqualTo(offsetRange(1, total));
  }

  @Test
  void historySizeExceededWhileAwayIsNotRecovered() {
    String ch = channel("small");
    SdkClient c = client(node.running(), "alice", List.of(ch));
    subscribed(c, "sub", ch, 0);
    for (int i = 1; i <= 3; i++) node.publish(ch, i);
    c.until("3 publications", ev -> numbers(c, "sub", ch).size() >= 3);

    int beforeCut = c.mark();
    c.send("offline");
    awaitOffline(c, beforeCut);
    for (int i = 4; i <= 13; i++) node.publish(ch, i); // history keeps only 9..13: 4..8 are lost
    int beforeReconnect = c.mark();
    c.send("online");
    JsonNode s = subscribed(c, "sub", ch, beforeReconnect);
    assertThat(s.path("wasRecovering").asBoolean()).isTrue();
    assertThat(s.path("recovered").asBoolean()).isFalse();
    assertThat(s.path("offset").asLong()).as("position restarts at the top").isEqualTo(13);

    node.publish(ch, 14);
    c.until("publication 14", ev -> numbers(c, "sub", ch).contains(14));
    assertThat(numbers(c, "sub", ch)).as("no partial replay, then live from the top").containsExactly(1, 2, 3, 14);
    assertThat(offsets(c, "sub", ch)).containsExactly(1L, 2L, 3L, 14L);
  }

  @Test
  void historyTtlExpiredWhileAwayIsNotRecovered() {
    String ch = channel("ttl");
    SdkClient c = client(node.running(), "alice", List.of(ch));
    JsonNode first = subscribed(c, "sub", ch, 0);
    node.publish(ch, 1);
    node.publish(ch, 2);
    c.until("2 publications", ev -> numbers(c, "sub", ch).size() >= 2);
    String epoch = node.api("history", Map.of("channel", ch, "limit", 0)).path("epoch").asText();
    assertThat(epoch).isNotEmpty();
    assertThat(first.path("epoch").asText()).isIn("", epoch);

    int beforeCut = c.mark();
    c.send("offline");
    awaitOffline(c, beforeCut);
    node.publish(ch, 3); // missed, then expires with the stream
    // The stream is gone once the history API no longer shows its publications.
    Await.until("history of " + ch + " expires", Duration.ofSeconds(15), () ->
        node.api("history", Map.of("channel", ch, "limit", 10)).path("publications").isEmpty());
    int beforeReconnect = c.mark();
    c.send("online");
    JsonNode s = subscribed(c, "sub", ch, beforeReconnect);
    assertThat(s.path("wasRecovering").asBoolean()).isTrue();
    assertThat(s.path("recovered").asBoolean()).isFalse();
    assertThat(numbers(c, "sub", ch)).containsExactly(1, 2);

    JsonNode r = node.publish(ch, 4);
    c.until("publication 4", ev -> numbers(c, "sub", ch).contains(4));
    assertThat(numbers(c, "sub", ch)).containsExactly(1, 2, 4);
    assertThat(offsets(c, "sub", ch).get(2)).isEqualTo(r.path("offset").asLong());
  }

  @Test
  void replayCapRefusesRecoveryInsteadOfPartialReplay() {
    try (RunningNode capped = RunningNode.start(CAPPED_CONFIG)) {
      String ch = channel("rec");
      SdkClient c = client(capped, "alice", List.of(ch));
      subscribed(c, "sub", ch, 0);
      capped.publish(ch, 1);
      c.until("publication 1", ev -> numbers(c, "sub", ch).size() >= 1);

      // Exactly the cap missed: recovered, all five replayed.
      int beforeCut = c.mark();
      c.send("offline");
      awaitOffline(c, beforeCut);
      for (int i = 2; i <= 6; i++) capped.publish(ch, i);
      int beforeReconnect = c.mark();
      c.send("online");
      JsonNode s = subscribed(c, "sub", ch, beforeReconnect);
      assertThat(s.path("wasRecovering").asBoolean()).isTrue();
      assertThat(s.path("recovered").asBoolean()).isTrue();
      assertThat(s.path("hasRecoveredPublications").asBoolean()).isTrue();
      c.until("publication 6", ev -> numbers(c, "sub", ch).contains(6));
      assertThat(numbers(c, "sub", ch)).isEqualTo(range(1, 6));

      // One more than the cap missed: not recovered, and none of them replayed.
      beforeCut = c.mark();
      c.send("offline");
      awaitOffline(c, beforeCut);
      for (int i = 7; i <= 12; i++) capped.publish(ch, i);
      beforeReconnect = c.mark();
      c.send("online");
      s = subscribed(c, "sub", ch, beforeReconnect);
      assertThat(s.path("wasRecovering").asBoolean()).isTrue();
      assertThat(s.path("recovered").asBoolean()).isFalse();
      assertThat(s.path("hasRecoveredPublications").asBoolean()).isFalse();
      capped.publish(ch, 13);
      c.until("publication 13", ev -> numbers(c, "sub", ch).contains(13));
      assertThat(numbers(c, "sub", ch)).isEqualTo(List.of(1, 2, 3, 4, 5, 6, 13));
      assertThat(offsets(c, "sub", ch)).isEqualTo(List.of(1L, 2L, 3L, 4L, 5L, 6L, 13L));
    }
  }

  @Test
  void userLimitedChannelAdmitsOnlyItsUser() {
    String ch = "personal:" + name.get() + "#alice";
    SdkClient alice = client(node.running(), "alice", List.of(ch));
    SdkClient bob = client(node.running(), "bob", List.of(ch));
    subscribed(alice, "sub", ch, 0);
    JsonNode refused = bob.await("bob is refused", is("sub", "unsubscribed", ch));
    assertThat(refused.path("code").asInt()).isEqualTo(103);
    assertThat(bob.events(is("sub", "subscribed", ch))).isEmpty();

    node.publish(ch, 1);
    alice.until("alice gets the publication", ev -> numbers(alice, "sub", ch).contains(1));
    // bob stays connected; only the subscription was refused
    assertThat(bob.events(is("client", "connected"))).hasSize(1);
  }

  @Test
  void tokenWithWrongSecretDisconnectsWithoutReconnect() {
    String bad = new io.rebound.auth.JwtSigner("not-the-node-secret-at-all")
        .connectionToken("alice", 3600);
    SdkClient c = client(node.running(), bad, List.of(), false);
    JsonNode d = c.await("disconnected", is("client", "disconnected"));
    assertThat(d.path("code").asInt()).isEqualTo(3500);
    int mark = c.mark();
    c.send("state");
    JsonNode state = c.await("state", mark, is("client", "state"));
    assertThat(state.path("state").asText()).isEqualTo("disconnected");
    assertThat(state.path("reconnectScheduled").asBoolean()).isFalse();
    assertThat(c.events(is("client", "connected"))).isEmpty();
    // The only connecting event is the initial one (code 0): the SDK did not try again.
    assertThat(c.events(is("client", "connecting"))).allMatch(e -> e.path("code").asInt() == 0);
  }

  @Test
  void expiredTokenIsReportedAs109AndGetTokenConnects() {
    long now = System.currentTimeMillis() / 1000;
    String expired = node.sign(Map.of("sub", "alice", "exp", now - 60));
    SdkClient c = client(node.running(), expired, List.of(), true);
    JsonNode err = c.await("connect error", is("client", "error").and(e -> "connect".equals(e.path("type").asText())));
    assertThat(err.path("error").path("code").asInt()).isEqualTo(109);
    c.await("getToken called", is("client", "getToken"));
    assertThat(c.events(is("client", "connected"))).isEmpty();
    c.send("token " + node.token("alice"));
    c.await("connected with the fresh token", is("client", "connected"));
    assertThat(c.events(is("client", "disconnected"))).isEmpty();
  }

  @Test
  void serverSideSubscriptionRecoversThroughConnectSubs() {
    String ch = channel("srv");
    String token = node.sign(Map.of("sub", "alice", "exp", System.currentTimeMillis() / 1000 + 3600,
        "channels", List.of(ch)));
    SdkClient c = client(node.running(), token, List.of(), false);
    JsonNode first = subscribed(c, "client", ch, 0);
    assertThat(first.path("recoverable").asBoolean()).isTrue();
    assertThat(first.path("wasRecovering").asBoolean()).isFalse();
    for (int i = 1; i <= 3; i++) node.publish(ch, i);
    c.until("3 client-level publications", ev -> numbers(c, "client", ch).size() >= 3);

    int beforeCut = c.mark();
    c.send("offline");
    awaitOffline(c, beforeCut);
    for (int i = 4; i <= 8; i++) node.publish(ch, i);
    int beforeReconnect = c.mark();
    c.send("online");
    JsonNode s = subscribed(c, "client", ch, beforeReconnect);
    assertThat(s.path("wasRecovering").asBoolean()).isTrue();
    assertThat(s.path("recovered").asBoolean()).isTrue();
    assertThat(s.path("hasRecoveredPublications").asBoolean()).isTrue();
    node.publish(ch, 9);
    c.until("publication 9", ev -> numbers(c, "client", ch).contains(9));
    assertThat(numbers(c, "client", ch)).isEqualTo(range(1, 9));
    assertThat(offsets(c, "client", ch)).isEqualTo(offsetRange(1, 9));
  }
}
