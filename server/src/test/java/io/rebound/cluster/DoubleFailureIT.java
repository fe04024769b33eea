package io.rebound.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.auth.JwtSigner;
import io.rebound.testing.ApiClient;
import io.rebound.testing.Await;
import io.rebound.testing.HazelcastPartitions;
import io.rebound.testing.NodeProcess;
import io.rebound.testing.NumberedPublisher;
import io.rebound.testing.ProcessCluster;
import io.rebound.testing.RecordingClient;
import io.rebound.testing.TcpProxy;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two of three members killed at the same moment ({@code kill -9}, separate processes, backup-count 1): the
 * partitions whose owner and backup were both on them lose their streams. That must never be a silent gap or an
 * offset reused under the same epoch: the channels of those partitions start a new epoch and every subscriber that was
 * positioned in the old one is told ({@code recovered: false}); every other channel keeps every acknowledged
 * publication. One channel per Hazelcast partition (71), numbered publications through the whole run (refused while
 * the survivor is below the split-brain minimum, retried until the killed members are back), three Java SDK clients
 * (one per node, each through its own proxy that moves it to a live node), the shared checker over what they received.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DoubleFailureIT {

  private static final String SECRET = "double-failure-secret-long-enough-hs256";
  private static final String API_KEY = "double-failure-key";
  private static final int PARTITIONS = 71; // ProcessCluster's hazelcast.partition.count
  private static final Duration PATIENCE = Duration.ofMinutes(3);

  private final List<String> channels = HazelcastPartitions.channelPerPartition("chat:df-" + Long.toHexString(System.nanoTime()) + "-", PARTITIONS);
  private final Recorder recorder = new Recorder();
  private final List<RecordingClient> clients = new ArrayList<>();
  private final List<TcpProxy> proxies = new ArrayList<>();
  private ProcessCluster cluster;
  private Vertx vertx;
  private NumberedPublisher publisher;

  @BeforeAll
  void start() {
    cluster = ProcessCluster.start("double", 3, """
        {"token_hmac_secret_key": "%s", "api_key": "%s", "engine": "hazelcast", "client_channel_limit": 256,
         "namespaces": [{"name": "chat", "history_size": 1000, "history_ttl": "600s", "force_recovery": true,
                         "allow_subscribe_for_client": true}]}
        """.formatted(SECRET, API_KEY), API_KEY);
    vertx = Vertx.vertx();
    publisher = new NumberedPublisher(this::liveApis, recorder, 12);
  }

  @AfterAll
  void stop() {
    clients.forEach(RecordingClient::close);
    proxies.forEach(TcpProxy::close);
    if (publisher != null) publisher.close();
    if (cluster != null) cluster.close();
    if (vertx != null) Await.result(vertx.close(), 30);
  }

  /** The APIs of the nodes that run, node 1 first. */
  private List<ApiClient> liveApis() {
    return cluster.nodes().stream().filter(NodeProcess::isAlive).map(NodeProcess::api).toList();
  }

  @Test
  void twoMembersKilledTogetherLoseStreamsOnlyExplicitly() throws Exception {
    List<Integer> ports = cluster.ports();
    String token = new JwtSigner(SECRET).connectionToken("watcher", 3600);
    for (int i = 0; i < 3; i++) {
      // Client i prefers node i; when it dies the proxy takes it to the next live one.
      List<Integer> order = new ArrayList<>(ports.subList(i, 3));
      order.addAll(ports.subList(0, i));
      TcpProxy proxy = TcpProxy.start(vertx, order);
      proxies.add(proxy);
      RecordingClient c = new RecordingClient(vertx, "client-" + (i + 1), proxy.wsUrl(), token, channels, recorder);
      clients.add(c);
      c.connect();
    }
    Await.until("every client subscribed to " + channels.size() + " channels", Duration.ofSeconds(60),
        () -> clients.stream().allMatch(RecordingClient::allSubscribed));

    publisher.publish(channels, "a", 1, 5, PATIENCE).get(2, TimeUnit.MINUTES);
    awaitCaughtUp("a5", Duration.ofSeconds(60));

    // Publications keep coming while two members die at the same moment.
    CompletableFuture<Void> during = publisher.publish(channels, "b", 1, 5, PATIENCE);
    NodeProcess second = cluster.node(1);
    NodeProcess third = cluster.node(2);
    CompletableFuture.allOf(CompletableFuture.runAsync(second::kill), CompletableFuture.runAsync(third::kill)).get(30, TimeUnit.SECONDS);
    Await.until("the survivor sees itself alone, below the split-brain minimum", Duration.ofSeconds(60), () -> {
      JsonNode h = cluster.node(0).health();
      return h != null && h.path("cluster").path("members").asInt() == 1 && !h.path("cluster").path("quorum").asBoolean(true);
    });
    second.start();
    third.start();
    cluster.awaitMembers(3, false);
    during.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    publisher.publish(channels, "c", 1, 5, PATIENCE).get(2, TimeUnit.MINUTES);
    awaitCaughtUp("c5", Duration.ofSeconds(90));
    for (RecordingClient c : clients) assertThat(c.problems()).isEmpty();

    Set<String> reset = new HashSet<>();
    for (String channel : channels) {
      HistorySnapshot h = history(channel);
      recorder.history(channel, h);
      if (!recorder.observations().channels().stream().filter(c -> c.channel().equals(channel)).findFirst().orElseThrow()
          .acks().get(0).epoch().equals(h.epoch())) {
        reset.add(channel);
      }
    }
    Verdict v = StreamChecker.check(recorder.observations());
    Path out = Files.createDirectories(Path.of("target", "cluster-it"));
    Files.writeString(out.resolve("double-failure-observations.json"), ObservationsJson.write(recorder.observations()));
    String report = v.summary(30) + "publisher errors: " + publisher.errors();

    assertThat(v.clean()).as(report).isTrue();
    // With backup-count 1 a third of the partitions (owner and backup on the two killed members) lose their streams.
    assertThat(reset).as("channels whose stream started a new epoch\n" + report).isNotEmpty().hasSizeLessThan(channels.size());
    assertThat(v.findings(Finding.Kind.EXPLICIT_LOSS)).as(report).isNotEmpty()
        .allSatisfy(f -> assertThat(reset).contains(f.channel()));
    assertThat(v.findings(Finding.Kind.EPOCH_RESET)).extracting(Finding::channel).as(report).containsExactlyInAnyOrderElementsOf(reset);
    // Every subscriber of a reset channel was told (the checker also fails one left in the old epoch).
    for (String channel : reset) {
      long told = v.findings(Finding.Kind.EXPLICIT_LOSS).stream().filter(f -> f.channel().equals(channel)).map(Finding::subscriber).distinct().count();
      assertThat(told).as("subscribers of %s told recovered:false%n%s", channel, report).isEqualTo(clients.size());
    }
    assertThat(v.totals().acknowledged()).isEqualTo(channels.size() * 15L);
  }

  private boolean caughtUp(String last) {
    return clients.stream().allMatch(c -> c.caughtUp(channel -> last));
  }

  /** Waits until every client has {@code last} as its last publication on every channel; says who is behind if not. */
  private void awaitCaughtUp(String last, Duration timeout) {
    try {
      Await.until("every client received " + last + " on every channel", timeout, () -> caughtUp(last));
    } catch (AssertionError e) {
      List<String> behind = new ArrayList<>();
      clients.forEach(c -> behind.addAll(c.behind(channel -> last)));
      try { // everything observed so far, for a look at the subscribers that stopped
        Files.writeString(Files.createDirectories(Path.of("target", "cluster-it")).resolve("double-failure-observations-" + last + ".json"),
            ObservationsJson.write(recorder.observations()));
      } catch (java.io.IOException ignored) {
        // the message below still says who is behind
      }
      throw new AssertionError(e.getMessage() + "; behind (" + behind.size() + "): "
          + behind.subList(0, Math.min(20, behind.size())), e);
    }
  }

  private HistorySnapshot history(String channel) {
    JsonNode r = cluster.node(0).api().ok("history", "{\"channel\":\"" + channel + "\",\"limit\":-1}");
    List<HistorySnapshot.Entry> entries = new ArrayList<>();
    for (JsonNode p : r.path("publications")) entries.add(new HistorySnapshot.Entry(p.path("offset").asLong(), p.path("data").path("n").asText()));
    return new HistorySnapshot(r.path("epoch").asText(), r.path("offset").asLong(), entries);
  }
}
