package io.rebound.loadtest.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.testing.Await;
import io.rebound.testing.NodeProcess;
import io.rebound.testing.ProcessCluster;
import io.rebound.testing.TcpProxy;
import io.rebound.testing.verify.Finding;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The live verifier at small scale against three broker processes in a Hazelcast cluster behind a TCP proxy (the
 * operator's balancer): a run through a kill -9 of the node the clients are on gives a clean verdict (every client
 * reconnected and recovered, nothing lost); the same tool from the shaded jar with a deliberately lossy client shim
 * exits 3 and its verdict names the losses, subscriber by subscriber.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveVerifierIT {

  private static final String SECRET = "live-verifier-it-secret-long-enough";
  private static final String API_KEY = "live-verifier-it-key";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ProcessCluster cluster;
  private Vertx vertx;
  private TcpProxy proxy;

  @BeforeAll
  void startCluster() {
    cluster = ProcessCluster.start("verify", 3, """
        {"token_hmac_secret_key": "%s", "api_key": "%s", "engine": "hazelcast",
         "namespaces": [{"name": "chat", "history_size": 2000, "history_ttl": "600s", "force_recovery": true}]}
        """.formatted(SECRET, API_KEY), API_KEY);
    vertx = Vertx.vertx();
    proxy = TcpProxy.start(vertx, cluster.ports());
  }

  @AfterAll
  void stop() {
    if (proxy != null) proxy.close();
    if (cluster != null) cluster.close();
    if (vertx != null) Await.result(vertx.close(), 30);
  }

  private VerifyOptions options(Path out) {
    return new VerifyOptions().targets("127.0.0.1:" + proxy.port()).apiKey(API_KEY).secret(SECRET).namespace("chat")
        .channels(3).clients(4).rate(10).backoffMaxMs(1000).quiesceS(90).out(out);
  }

  /** The highest offset of the verifier's channels, as a surviving node's API reports it (0 while there are none). */
  private static long progress(NodeProcess node) {
    JsonNode channels = node.api().ok("channels", "{\"pattern\":\"chat:verify-*\"}").path("channels");
    long top = 0;
    for (var it = channels.fieldNames(); it.hasNext(); ) {
      top = Math.max(top, node.api().ok("history", "{\"channel\":\"" + it.next() + "\",\"limit\":0}").path("offset").asLong());
    }
    return top;
  }

  @Test
  @Order(1)
  void cleanVerdictThroughAKillMinus9OfTheClientsNode() throws Exception {
    Path out = Path.of("target", "verify-it", "clean");
    CompletableFuture<VerifyResult> run = CompletableFuture.supplyAsync(() -> {
      try {
        return LiveVerifier.run(options(out).durationS(30));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    NodeProcess survivor = cluster.node(2);
    Await.until("the verifier publishing (60 publications per channel)", Duration.ofSeconds(90), () -> {
      if (run.isDone()) throw new AssertionError("the run ended early: " + run.handle((r, e) -> e == null ? r.summary() : e.toString()).join());
      return progress(survivor) >= 60;
    });
    // The proxy sends every connection to the first live node: all clients are on node 1.
    assertThat(cluster.node(0).health().path("connections").asInt()).isEqualTo(4);
    long beforeKill = progress(survivor);
    cluster.node(0).kill();

    VerifyResult r = run.get(5, TimeUnit.MINUTES);
    assertThat(r.exitCode()).as(r.summary()).isZero();
    assertThat(r.verdict().clean()).isTrue();
    assertThat(r.verdict().silentLosses()).isZero();
    assertThat(r.verdict().findings(Finding.Kind.EXPLICIT_LOSS)).as("one node lost: every recovery succeeds").isEmpty();
    assertThat(r.quiesced()).isTrue();
    assertThat(r.historyError()).isNull();
    assertThat(r.reconnects()).as("every client lost its node").isGreaterThanOrEqualTo(4);
    assertThat(r.verdict().totals().recoveries()).as("every subscription recovered").isGreaterThanOrEqualTo(4 * 3);
    // Not a count of the 30 s at 10/s per channel: on a loaded machine fewer are acknowledged in that time.
    assertThat(progress(survivor)).as("publishing went on after the kill").isGreaterThan(beforeKill);
    assertThat(r.verdict().totals().acknowledged()).isGreaterThan(beforeKill);
    assertThat(r.verdict().totals().deliveries()).isEqualTo(4 * r.verdict().totals().acknowledged());
    JsonNode result = JSON.readTree(Files.readString(out.resolve("result.json")));
    assertThat(result.path("verdict").asText()).isEqualTo("clean");
    assertThat(result.path("check").path("counts").path("silent_loss").asLong()).isZero();
    assertThat(Files.readString(out.resolve("report.html"))).contains("VERDICT: CLEAN", "<svg");
    assertThat(LiveVerifier.recheck(out.resolve("observations.json"))).as("the recording checks clean again").isZero();

    cluster.node(0).start();
    cluster.awaitMembers(3, true);
  }

  @Test
  @Order(2)
  void aLossyClientFromTheJarIsNamedAndExits3() throws Exception {
    Path out = Path.of("target", "verify-it", "lossy").toAbsolutePath();
    Path jar = Path.of(System.getProperty("rebound.loadtest.jar", "../target/rebound-loadtest.jar")).toAbsolutePath().normalize();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-jar", jar.toString(), "verify", "--target", "127.0.0.1:" + proxy.port(), "--channels", "2", "--clients", "3", "--rate", "10",
        "--duration-s", "8", "--drop-every", "7", "--out", out.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(Files.createDirectories(out).resolve("console.txt").toFile());
    // The credentials as an operator would pass them: the broker's own override variables, not the command line.
    pb.environment().put("REBOUND_API_KEY", API_KEY);
    pb.environment().put("REBOUND_TOKEN_HMAC_SECRET_KEY", SECRET);
    Process p = pb.start();
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("verify finished").isTrue();
    String console = Files.readString(out.resolve("console.txt"));
    assertThat(p.exitValue()).as(console).isEqualTo(3);
    assertThat(console).contains("VERDICT: FAILED", "silent_loss", "[client-0/chat:verify-", "never received");

    JsonNode result = JSON.readTree(Files.readString(out.resolve("result.json")));
    assertThat(result.path("verdict").asText()).isEqualTo("failed");
    long silent = result.path("check").path("counts").path("silent_loss").asLong();
    long acked = result.path("check").path("totals").path("acknowledged").asLong();
    // Each of the 6 subscriptions drops every 7th of the about acked/2 publications of its channel.
    assertThat(silent).as(console).isBetween(6 * (acked / 2 / 7) - 6, 6 * (acked / 2 / 7) + 6).isPositive();
    assertThat(result.path("check").path("counts").path("duplicate").asLong()).isZero();
    assertThat(result.path("check").path("counts").path("reorder").asLong()).isZero();
    List<String> named = new ArrayList<>();
    for (JsonNode f : result.path("check").path("findings")) if (f.path("kind").asText().equals("silent_loss")) named.add(f.path("subscriber").asText());
    assertThat(named).as("every lossy subscription is named").hasSize(6);
    assertThat(Files.readString(out.resolve("report.html"))).contains("VERDICT: FAILED", "silent_loss", "self-test");
  }
}
