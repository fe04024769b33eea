package io.rebound.cluster;

import static io.rebound.testing.SdkClient.is;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.auth.JwtSigner;
import io.rebound.testing.Await;
import io.rebound.testing.ClientVertx;
import io.rebound.testing.NodeProcess;
import io.rebound.testing.ProcessCluster;
import io.rebound.testing.RawClient;
import io.rebound.testing.SdkClient;
import io.rebound.testing.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three broker node PROCESSES with {@code engine: hazelcast} behind a TCP proxy (a load balancer):
 * {@code kill -9} of the node the clients are on, they reconnect through the proxy to another and
 * recover everything published meanwhile, exactly once and in order; the killed node rejoins and
 * serves; then a rolling restart of all three (one at a time, waiting for {@code cluster.safe})
 * keeps history, so a client that was away through all of it recovers with the same epoch.
 *
 * <p>The tests run in order and share the cluster, the channels and the clients: each step starts
 * where the previous one left the cluster. One publisher keeps publishing to every channel through
 * every step.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeKillIT {

  private static final String SECRET = "node-kill-secret-long-enough-for-hs256";
  private static final String API_KEY = "node-kill-key";
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration RECOVER = Duration.ofSeconds(45);

  private final JwtSigner signer = new JwtSigner(SECRET);
  // Several channels, so that some are (very likely) owned by the member that is killed: their appends
  // in flight wait for failure detection and are retried on the new owner (HAZELCAST.md).
  private static final int CHANNELS = 6;
  private final List<String> channels = IntStream.range(0, CHANNELS).mapToObj(i -> "chat:kill-" + i + "-" + UUID.randomUUID()).toList();
  private ProcessCluster cluster;
  private List<NodeProcess> nodes;
  private final List<SdkClient> sdks = new ArrayList<>();
  @RegisterExtension final ClientVertx clients = new ClientVertx(); // per class: the class is PER_CLASS
  private TcpProxy proxy;
  private RetryingPublisher publisher;
  private SdkClient follower; // stays online through everything, moving from node to node
  private SdkClient away;     // goes offline before the rolling restart, comes back after it
  private final Map<String, String> epochs = new java.util.HashMap<>();
  private RawClient bystander; // on node-3 during the kill

  @BeforeAll
  void startCluster() {
    cluster = ProcessCluster.start("node", 3, """
        {"token_hmac_secret_key": "%s", "api_key": "%s", "engine": "hazelcast",
         "client_recovery_max_publication_limit": 5000,
         "namespaces": [{"name": "chat", "history_size": 5000, "history_ttl": "600s", "force_recovery": true,
                         "presence": true, "allow_subscribe_for_client": true}]}
        """.formatted(SECRET, API_KEY), API_KEY);
    nodes = cluster.nodes();
    proxy = TcpProxy.start(clients.get(), cluster.ports());
  }

  @AfterAll
  void stopEverything() {
    if (publisher != null) publisher.stop();
    if (bystander != null) bystander.close();
    sdks.forEach(SdkClient::close);
    if (proxy != null) proxy.close();
    if (cluster != null) cluster.close();
  }

  private SdkClient sdk(String name) {
    SdkClient c = SdkClient.start(name, "driver.mjs", List.of(), Map.of(
        "REBOUND_URL", proxy.wsUrl(),
        "REBOUND_TOKEN", signer.connectionToken(name, 3600),
        "REBOUND_CHANNELS", String.join(",", channels),
        "REBOUND_GET_TOKEN", "0"));
    sdks.add(c);
    return c;
  }

  /** The {@code n} of every publication {@code c} got on the first channel (all channels get the same). */
  private List<Integer> numbers(SdkClient c) {
    return numbers(c, channels.get(0));
  }

  private static List<Integer> numbers(SdkClient c, String channel) {
    return c.publications("sub", channel).stream().map(e -> e.path("data").path("n").asInt()).toList();
  }

  /** On every channel: every publication 1..last exactly once and in order, with offsets 1..last. */
  private void assertExactlyOnceInOrder(SdkClient c, int last) {
    for (String channel : channels) {
      c.until("publication " + last + " on " + channel, RECOVER, ev -> numbers(c, channel).contains(last));
      // The publisher keeps running, so more than `last` may have arrived by now: whatever arrived must
      // be exactly 1..N (no gap, no duplicate, in order) with N >= last.
      List<JsonNode> pubs = c.publications("sub", channel);
      List<Integer> got = pubs.stream().map(e -> e.path("data").path("n").asInt()).toList();
      List<Integer> expected = IntStream.rangeClosed(1, Math.max(last, got.size())).boxed().toList();
      assertThat(got).as("publications on %s%s", channel, c.describe()).containsExactlyElementsOf(expected);
      assertThat(pubs.stream().map(e -> e.path("offset").asLong()).toList())
          .as("offsets on %s", channel).containsExactlyElementsOf(expected.stream().map(Long::valueOf).toList());
    }
  }

  private static JsonNode lastSubscribed(SdkClient c, String channel) {
    List<JsonNode> subs = c.events(is("sub", "subscribed", channel));
    return subs.get(subs.size() - 1);
  }

  /**
   * Waits, on every channel, for a new {@code subscribed} event after {@code mark} and for the
   * subscription to settle; checks it recovered in the first epoch. Returns the settled events.
   */
  private List<JsonNode> awaitRecovered(SdkClient c, int mark) {
    List<JsonNode> out = new ArrayList<>();
    for (String channel : channels) {
      JsonNode again = c.await("resubscribed to " + channel + " after the node loss", mark, is("sub", "subscribed", channel));
      c.until("subscription to " + channel + " settled", RECOVER, ev -> "subscribed".equals(lastSubState(ev, channel)));
      JsonNode last = lastSubscribed(c, channel);
      assertThat(again.path("wasRecovering").asBoolean()).as("%s%s", again, c.describe()).isTrue();
      assertThat(last.path("recovered").asBoolean()).as("recovered: %s%s", last, c.describe()).isTrue();
      assertThat(last.path("epoch").asText()).as("same epoch on %s", channel).isEqualTo(epochs.get(channel));
      out.add(last);
    }
    return out;
  }

  private static String lastSubState(List<JsonNode> events, String channel) {
    String state = null;
    for (JsonNode e : events) {
      if (!"sub".equals(e.path("scope").asText()) || !channel.equals(e.path("channel").asText())) continue;
      String ev = e.path("event").asText();
      if (ev.equals("subscribing") || ev.equals("subscribed") || ev.equals("unsubscribed")) state = ev;
    }
    return state;
  }

  private int connectionsOn(NodeProcess n) {
    JsonNode h = n.health();
    return h == null ? -1 : h.path("connections").asInt();
  }

  @Test
  @Order(1)
  void killMinus9OfTheClientsNodeTheyRecoverOnAnother() {
    follower = sdk("follower");
    away = sdk("away");
    for (String channel : channels) {
      follower.await("follower subscribed", is("sub", "subscribed", channel));
      away.await("away subscribed", is("sub", "subscribed", channel));
      epochs.put(channel, lastSubscribed(follower, channel).path("epoch").asText());
      assertThat(epochs.get(channel)).isNotEmpty().isEqualTo(lastSubscribed(away, channel).path("epoch").asText());
    }
    // The proxy sends every new connection to the first live node: both clients are on node 1.
    Await.until("both clients on node-1", START, () -> connectionsOn(nodes.get(0)) == 2);

    // A bystander on a node that survives: it must see every publication in order, with no
    // "insufficient state", while the cluster loses a member under it.
    bystander = RawClient.connected(clients.get(), nodes.get(2).port(), signer.connectionToken("bystander", 3600));
    for (int i = 0; i < CHANNELS; i++) bystander.subscribe(2 + i, channels.get(i));
    publisher = new RetryingPublisher(List.of(nodes.get(2).api(), nodes.get(1).api(), nodes.get(0).api()), channels);
    publisher.start();
    follower.until("20 live publications", RECOVER, ev -> numbers(follower).size() >= 20);

    int markFollower = follower.mark();
    int markAway = away.mark();
    proxy.hold(); // the clients get back only once more has been published while they are away
    nodes.get(0).kill();
    int atKill = publisher.published();
    Await.until("20 publications while the clients are away", RECOVER, () -> publisher.published() >= atKill + 20);
    proxy.release();
    for (SdkClient c : List.of(follower, away)) {
      for (JsonNode s : awaitRecovered(c, c == follower ? markFollower : markAway)) {
        assertThat(s.path("hasRecoveredPublications").asBoolean()).as("recovered what was published while away: %s", s).isTrue();
      }
    }
    Await.until("survivors see 2 members", START, () -> nodes.get(1).healthy(2, false) && nodes.get(2).healthy(2, false));
    assertThat(connectionsOn(nodes.get(1))).as("clients moved to node-2 (first live behind the proxy)").isEqualTo(2);
    // Cluster-wide views forget the dead node: its clients' presence and its statistics.
    String ch = channels.get(0);
    Await.until("presence: the two moved clients and the bystander, no ghost of the dead node's", RECOVER, () -> nodes.get(2).api()
        .ok("presence_stats", "{\"channel\":\"" + ch + "\"}").path("num_clients").asInt() == 3);
    Await.until("info without the dead node", RECOVER, () -> nodes.get(2).api().ok("info", "{}").path("nodes").size() == 2);

    int seen = publisher.published();
    follower.until("publications after the recovery", RECOVER, ev -> numbers(follower).size() >= seen + 20);
    int last = publisher.published();
    assertExactlyOnceInOrder(follower, last);
    assertExactlyOnceInOrder(away, last);
    try {
      for (String channel : channels) {
        bystander.awaitCount("publication " + last + " on " + channel, 1, n -> isPub(n, channel)
            && n.path("push").path("pub").path("data").path("n").asInt() == last, RECOVER);
        assertThat(bystander.received().stream().filter(n -> RawClient.isPush(n, channel, "unsubscribe")).toList())
            .as("no resubscribe request on %s", channel).isEmpty();
        assertThat(bystander.pubOffsets(channel).subList(0, last)).as("bystander on %s", channel)
            .containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
      }
    } finally {
      bystander.close(); // node-3 restarts later: its connection count must show only the follower
      Await.until("bystander gone from node-3", RECOVER, () -> connectionsOn(nodes.get(2)) == 0);
    }
  }

  private static boolean isPub(JsonNode n, String channel) {
    return RawClient.isPush(n, channel, "pub");
  }

  @Test
  @Order(2)
  void theKilledNodeRejoinsAndServes() {
    NodeProcess killed = nodes.get(0);
    killed.start();
    cluster.awaitMembers(3, false);
    try (RawClient c = RawClient.connected(clients.get(), killed.port(), signer.connectionToken("newcomer", 3600))) {
      String channel = channels.get(0);
      JsonNode sub = c.call(2, "subscribe", "{\"channel\":\"" + channel + "\"}").path("subscribe");
      assertThat(sub.path("epoch").asText()).as("the rejoined node reads the same stream: %s", sub).isEqualTo(epochs.get(channel));
      int from = publisher.published();
      c.awaitCount("live publications on the rejoined node", 5, n -> n.has("push")
          && n.path("push").path("pub").path("data").path("n").asInt() > from, RECOVER);
    }
    assertThat(killed.health().path("cluster").path("members").asInt()).isEqualTo(3);
    Await.until("info lists the rejoined node", RECOVER, () -> killed.api().ok("info", "{}").path("nodes").size() == 3);
  }

  @Test
  @Order(3)
  void rollingRestartKeepsHistoryAndEpoch() {
    cluster.awaitMembers(3, true);
    int before = publisher.published();
    away.until("away is up to date before going offline", RECOVER, ev -> numbers(away).contains(before));
    int awayMark = away.mark();
    away.send("offline");
    away.await("away is offline", awayMark, is("client", "connecting"));

    for (NodeProcess n : nodes) {
      int followerMark = follower.mark();
      boolean followerWasHere = connectionsOn(n) > 0;
      n.stop();
      n.start();
      cluster.awaitMembers(3, true);
      if (followerWasHere) awaitRecovered(follower, followerMark);
    }

    int seen = publisher.published();
    follower.until("publications after the rolling restart", RECOVER, ev -> numbers(follower).size() >= seen + 10);
    publisher.stop();
    int last = publisher.published();
    away.send("online");
    awaitRecovered(away, awayMark);
    assertExactlyOnceInOrder(away, last);
    assertExactlyOnceInOrder(follower, last);
    // Cluster-wide views hold no trace of the stopped processes.
    String ch = channels.get(0);
    Await.until("presence counts only the two clients", RECOVER, () -> nodes.get(0).api()
        .ok("presence_stats", "{\"channel\":\"" + ch + "\"}").path("num_clients").asInt() == 2);
    Await.until("info lists the 3 running nodes", RECOVER, () -> nodes.get(1).api().ok("info", "{}").path("nodes").size() == 3);
    for (SdkClient c : List.of(follower, away)) {
      for (String channel : channels) {
        for (JsonNode s : c.events(is("sub", "subscribed", channel))) {
          assertThat(s.path("epoch").asText()).as("every (re)subscription in the first epoch: %s", s).isEqualTo(epochs.get(channel));
          if (s.path("wasRecovering").asBoolean()) assertThat(s.path("recovered").asBoolean()).as("%s", s).isTrue();
        }
      }
    }
  }
}
