package io.rebound.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.auth.JwtSigner;
import io.rebound.testing.ApiClient;
import io.rebound.testing.Await;
import io.rebound.testing.HazelcastPartitions;
import io.rebound.testing.NetworkLab;
import io.rebound.testing.NodeProcess;
import io.rebound.testing.NumberedPublisher;
import io.rebound.testing.ProcessCluster;
import io.rebound.testing.RecordingClient;
import io.rebound.testing.RepoFiles;
import io.rebound.testing.UnixSocketRelay;
import io.rebound.testing.verify.ChannelLog;
import io.rebound.testing.verify.Finding;
import io.rebound.testing.verify.HistorySnapshot;
import io.rebound.testing.verify.ObservationsJson;
import io.rebound.testing.verify.Recorder;
import io.rebound.testing.verify.StreamChecker;
import io.rebound.testing.verify.Verdict;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A real network partition between Hazelcast members: three node processes, each in its own network namespace, joined
 * by veth links to a bridge ({@link NetworkLab}); the test detaches member 3's link, so {1, 2} and {3} each go on alone,
 * then attaches it again. Numbered publications go to both sides the whole time, one channel per partition, and a Java
 * SDK client on every node records what it receives.
 *
 * <p>What must hold: the minority refuses appends with a clear temporary error (split-brain protection) instead of
 * building a history of its own; after the heal no acknowledged publication is missing from history and no offset of
 * an epoch was ever seen with two payloads; the streams the minority had written to in the seconds before it noticed
 * (its unacknowledged appends) move to a new epoch, and every subscriber of them is told ({@code recovered: false});
 * the minority's client gets what the majority published while it was cut off as soon as the partition heals, before
 * anything else is published. The shared checker judges it all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SplitBrainIT {

  private static final String SECRET = "split-brain-secret-long-enough-for-hs256";
  private static final String API_KEY = "split-brain-key";
  private static final int PARTITIONS = 71;
  private static final int HTTP_PORT = 8000; // every node has its own namespace, hence its own ports
  private static final Duration PATIENCE = Duration.ofMinutes(3);

  private final List<String> channels = HazelcastPartitions.channelPerPartition("chat:sb-" + Long.toHexString(System.nanoTime()) + "-", PARTITIONS);
  private final Recorder recorder = new Recorder();
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<UnixSocketRelay> relays = new ArrayList<>();
  private final List<RecordingClient> clients = new ArrayList<>();
  private NetworkLab lab;
  private Path dir;
  private Vertx vertx;

  @BeforeAll
  void start() throws Exception {
    lab = NetworkLab.create(3);
    dir = Files.createTempDirectory("rebound-split-brain-");
    Path xml = dir.resolve("cluster.xml");
    Files.writeString(xml, labClusterXml(Files.readString(RepoFiles.path("cluster.xml"))));
    for (int i = 1; i <= 3; i++) {
      // The lab's join lists non-loopback members, so each node must name its cluster interface (README, Trust model).
      Path config = dir.resolve("config-" + i + ".json");
      Files.writeString(config, """
          {"token_hmac_secret_key": "%s", "api_key": "%s", "engine": "hazelcast", "client_channel_limit": 256,
           "cluster_address": "%s",
           "namespaces": [{"name": "chat", "history_size": 1000, "history_ttl": "600s", "force_recovery": true,
                           "allow_subscribe_for_client": true}]}
          """.formatted(SECRET, API_KEY, NetworkLab.address(i)));
      UnixSocketRelay relay = lab.expose(i, HTTP_PORT);
      relays.add(relay);
      nodes.add(new NodeProcess("split-" + i, HTTP_PORT, relay.port(), lab.launcher(i), config, xml, API_KEY));
    }
    nodes.get(0).start();
    nodes.get(0).awaitHealthy(1, false, Duration.ofSeconds(90));
    nodes.get(1).start();
    nodes.get(2).start();
    for (NodeProcess n : nodes) n.awaitHealthy(3, false, Duration.ofSeconds(90));
    vertx = Vertx.vertx();
  }

  @AfterAll
  void stop() {
    clients.forEach(RecordingClient::close);
    nodes.forEach(NodeProcess::close);
    relays.forEach(UnixSocketRelay::close);
    if (lab != null) lab.close();
    if (vertx != null) Await.result(vertx.close(), 30);
    if (dir != null) {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) Files.deleteIfExists(f);
        Files.deleteIfExists(dir);
      } catch (java.io.IOException ignored) {
        // best effort: only the config files are left behind
      }
    }
  }

  /**
   * The repo's cluster.xml (with ProcessCluster's test settings: quick failure detection, 71 partitions) for members
   * at 10.77.0.1-3:5701 inside the lab, which look for the other side of a split every 5 s.
   */
  static String labClusterXml(String repoXml) {
    String xml = ProcessCluster.clusterXml(repoXml, "split", 5701)
        .replace("<member>127.0.0.1</member>",
            "<member>" + NetworkLab.address(1) + "</member><member>" + NetworkLab.address(2) + "</member><member>" + NetworkLab.address(3) + "</member>")
        .replace("<join>", "<interfaces enabled=\"true\"><interface>10.77.0.*</interface></interfaces><join>")
        .replace("\"hazelcast.merge.first.run.delay.seconds\">30<", "\"hazelcast.merge.first.run.delay.seconds\">5<")
        .replace("\"hazelcast.merge.next.run.delay.seconds\">30<", "\"hazelcast.merge.next.run.delay.seconds\">5<");
    assertThat(xml).as("cluster.xml changed: update SplitBrainIT.labClusterXml")
        .contains("<member>10.77.0.3</member>", "<interface>10.77.0.*</interface>", "merge.next.run.delay.seconds\">5<",
            "<split-brain-protection-ref>rebound-majority</split-brain-protection-ref>", "StreamMergePolicy");
    return xml;
  }

  @Test
  void aMinorityRefusesAppendsAndTheHealLosesAndRewritesNothing() throws Exception {
    String token = new JwtSigner(SECRET).connectionToken("watcher", 3600);
    for (int i = 0; i < 3; i++) {
      RecordingClient c = new RecordingClient(vertx, "on-node-" + (i + 1), "ws://127.0.0.1:" + nodes.get(i).port() + "/connection/websocket",
          token, channels, recorder);
      clients.add(c);
      c.connect();
    }
    Await.until("every client subscribed to " + channels.size() + " channels", Duration.ofSeconds(60),
        () -> clients.stream().allMatch(RecordingClient::allSubscribed));
    NumberedPublisher everywhere = new NumberedPublisher(() -> nodes.stream().map(NodeProcess::api).toList(), recorder, 12);
    NumberedPublisher majority = new NumberedPublisher(() -> List.of(nodes.get(0).api(), nodes.get(1).api()), recorder, 12);
    // One thread per channel: every channel gets an attempt in the seconds before the minority notices the split.
    NumberedPublisher minority = new NumberedPublisher(() -> List.of(nodes.get(2).api()), recorder, channels.size());
    try {
      everywhere.publish(channels, "a", 1, 3, PATIENCE).get(2, TimeUnit.MINUTES);
      awaitCaughtUp("a3", Duration.ofSeconds(60));

      lab.cut(3);
      // Both sides publish at once; the minority's publications are refused until the heal, then retried.
      CompletableFuture<Void> onMinority = minority.publish(channels, "n", 1, 3, PATIENCE);
      CompletableFuture<Void> onMajority = majority.publish(channels, "m", 1, 10, PATIENCE);
      Await.until("node 3 knows it is in a minority", Duration.ofSeconds(60), () -> quorum(2, 1, false));
      Await.until("nodes 1 and 2 go on as a majority", Duration.ofSeconds(60), () -> quorum(0, 2, true) && quorum(1, 2, true));
      ApiClient.Response refused = nodes.get(2).api().call("publish", "{\"channel\":\"" + channels.get(0) + "\",\"data\":{\"n\":\"probe\"}}");
      assertThat(refused.error()).as(refused.text()).isNotNull();
      assertThat(refused.error().path("code").asInt()).isEqualTo(100);
      assertThat(refused.error().path("message").asText()).contains("cluster partitioned", "refused until the partition heals");
      onMajority.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      assertThat(onMinority).as("nothing is acknowledged by a minority").isNotDone();

      // Nothing is published from here until node 3's client has caught up: only node 3 re-reading its channels once it
      // has merged back can bring it the majority's publications (or tell it that a stream moved to a new epoch).
      minority.hold(true);
      Await.until("the minority's publisher between attempts", Duration.ofSeconds(30), minority::idle);
      lab.restore(3);
      for (int i = 0; i < 3; i++) {
        int node = i;
        Await.until("split-" + (i + 1) + " merged back: 3 members, quorum", Duration.ofSeconds(120), () -> quorum(node, 3, true));
      }
      Map<String, String> tops = new HashMap<>();
      long[] readAt = {0};
      Await.until("node 3's client at the top of every stream, with nothing published since the heal", Duration.ofSeconds(120), () -> {
        if (System.nanoTime() - readAt[0] > 1_000_000_000L) {
          for (String channel : channels) {
            JsonNode top = nodes.get(0).api().ok("history", "{\"channel\":\"" + channel + "\",\"limit\":0}");
            tops.put(channel, top.path("epoch").asText() + ":" + top.path("offset").asLong());
          }
          readAt[0] = System.nanoTime();
        }
        return clients.get(2).at(tops::get);
      });
      minority.hold(false);
      onMinority.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      // Rounds of one publication per channel until every client has a round's on every channel: a stream the merge
      // moved to a new epoch tells its subscribers with the first publication after the merge, and Hazelcast may
      // still be merging when the members already see each other.
      int rounds = 0;
      for (boolean quiet = false; !quiet; ) {
        rounds++;
        everywhere.publish(channels, "z", rounds, rounds, PATIENCE).get(2, TimeUnit.MINUTES);
        String last = "z" + rounds;
        if (rounds == 5) awaitCaughtUp(last, Duration.ofSeconds(60));
        quiet = rounds == 5 || quietWithin(last, Duration.ofSeconds(20));
      }
      for (RecordingClient c : clients) assertThat(c.problems()).isEmpty();

      Set<String> newEpoch = new HashSet<>();
      for (String channel : channels) {
        HistorySnapshot h = history(channel);
        recorder.history(channel, h);
        if (!log(channel).acks().get(0).epoch().equals(h.epoch())) newEpoch.add(channel);
        Set<String> held = h.publications().stream().map(HistorySnapshot.Entry::payload).collect(Collectors.toSet());
        assertThat(held).as("history of %s holds every acknowledged publication", channel)
            .containsAll(log(channel).acks().stream().map(a -> a.payload()).toList());
      }
      Verdict v = StreamChecker.check(recorder.observations());
      String report = v.summary(30) + "channels moved to a new epoch: " + newEpoch.size() + ", rounds after the heal: " + rounds + "\nminority publisher: "
          + minority.errors() + "\nmajority publisher: " + majority.errors();
      System.out.println(report);

      assertThat(v.clean()).as(report).isTrue();
      assertThat(v.count(Finding.Kind.EPOCH_RESET)).as("acknowledged, then gone from history\n" + report).isZero();
      assertThat(minority.errors().keySet()).as(report).anyMatch(e -> e.contains("cluster partitioned"));
      // The minority appended to the streams it owned before it noticed the split (never acknowledged): those, and only
      // those, had two histories — each moved to a new epoch and everyone subscribed to it was told.
      assertThat(newEpoch).as(report).isNotEmpty().hasSizeLessThan(channels.size());
      for (String channel : newEpoch) {
        long told = v.findings(Finding.Kind.EXPLICIT_LOSS).stream().filter(f -> f.channel().equals(channel))
            .map(Finding::subscriber).distinct().count();
        assertThat(told).as("subscribers of %s told recovered:false%n%s", channel, report).isEqualTo(clients.size());
      }
      assertThat(v.totals().acknowledged()).isEqualTo(channels.size() * (3 + 3 + 10L + rounds));
    } finally {
      Files.writeString(Files.createDirectories(Path.of("target", "cluster-it")).resolve("split-brain-observations.json"),
          ObservationsJson.write(recorder.observations()));
      everywhere.close();
      majority.close();
      minority.close();
    }
  }

  private boolean quorum(int node, int members, boolean quorum) {
    JsonNode h = nodes.get(node).health();
    return h != null && h.path("cluster").path("members").asInt() == members && h.path("cluster").path("quorum").asBoolean() == quorum;
  }

  private boolean caughtUp(String last) {
    return clients.stream().allMatch(c -> c.caughtUp(channel -> last));
  }

  private boolean quietWithin(String last, Duration timeout) {
    try {
      Await.until("every client received " + last, timeout, () -> caughtUp(last));
      return true;
    } catch (AssertionError notYet) {
      return false;
    }
  }

  /** Waits until every client has {@code last} as its last publication on every channel; says who is behind if not. */
  private void awaitCaughtUp(String last, Duration timeout) {
    try {
      Await.until("every client received " + last + " on every channel", timeout, () -> caughtUp(last));
    } catch (AssertionError e) {
      List<String> behind = new ArrayList<>();
      clients.forEach(c -> behind.addAll(c.behind(channel -> last)));
      throw new AssertionError(e.getMessage() + "; behind (" + behind.size() + "): "
          + behind.subList(0, Math.min(20, behind.size())), e);
    }
  }

  private ChannelLog log(String channel) {
    return recorder.observations().channels().stream().filter(c -> c.channel().equals(channel)).findFirst().orElseThrow();
  }

  private HistorySnapshot history(String channel) {
    JsonNode r = nodes.get(0).api().ok("history", "{\"channel\":\"" + channel + "\",\"limit\":-1}");
    List<HistorySnapshot.Entry> entries = new ArrayList<>();
    for (JsonNode p : r.path("publications")) entries.add(new HistorySnapshot.Entry(p.path("offset").asLong(), p.path("data").path("n").asText()));
    return new HistorySnapshot(r.path("epoch").asText(), r.path("offset").asLong(), entries);
  }
}
