package io.rebound.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.auth.JwtSigner;
import io.rebound.config.ClusterOptions;
import io.rebound.testing.Await;
import io.rebound.testing.ClientVertx;
import io.rebound.testing.NodeProcess;
import io.rebound.testing.ProcessCluster;
import io.rebound.testing.RawClient;
import io.rebound.testing.RepoFiles;
import io.rebound.testing.StreamClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15.1, the cluster plane: a JVM on the cluster network with only rebound.jar ({@code
 * ClusterIntruder.java}, run as a single source file in its own process) against two broker node
 * processes. Without the cluster secret it cannot join under the configured name nor a wrong one; even
 * with the member name (leaked: the worst case) it gets 101 from the event-bus API door for publish,
 * history and disconnect, and the edges ignore its fan-out and control messages and the emulation
 * commands it forwards into an {@code http_stream} session, and the nodes do not tell it their channels
 * (the {@code channels} API's requests between nodes). The same messages
 * signed with the secret do arrive, so each "ignored" is a refusal, not a message that went nowhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIntruderIT {

  private static final String TOKEN_SECRET = "intruder-it-token-secret-long-enough";
  private static final String API_KEY = "intruder-it-api-key";
  private static final String CLUSTER_SECRET = "intruder-it-cluster-secret-0123456789";
  private static final String BOB_CHANNEL = "personal:#bob";
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String UNAUTHORIZED = "{\"error\":{\"code\":101,\"message\":\"unauthorized\"}}";

  @RegisterExtension final ClientVertx clients = new ClientVertx();
  private ProcessCluster cluster;
  private String baseName;
  private int hazelcastPort;
  private RawClient bob;

  @BeforeAll
  void startCluster() throws IOException {
    cluster = ProcessCluster.start("intruder", 2, """
        {"token_hmac_secret_key": "%s", "api_key": "%s", "engine": "hazelcast", "cluster_secret": "%s",
         "namespaces": [{"name": "personal", "history_size": 100, "history_ttl": "600s",
                         "allow_user_limited_channels": true, "allow_subscribe_for_client": true}]}
        """.formatted(TOKEN_SECRET, API_KEY, CLUSTER_SECRET), API_KEY);
    String xml = Files.readString(cluster.clusterXml());
    baseName = group(xml, "<cluster-name>([^<]+)</cluster-name>");
    hazelcastPort = Integer.parseInt(group(xml, ">(\\d+)</port>"));
    NodeProcess node1 = cluster.node(0);
    node1.api().ok("publish", "{\"channel\":\"" + BOB_CHANNEL + "\",\"data\":{\"secret\":\"for bob only\"}}");
    bob = RawClient.connected(clients.get(), node1.port(), new JwtSigner(TOKEN_SECRET).connectionToken("bob", 3600));
    bob.subscribe(2, BOB_CHANNEL);
  }

  @AfterAll
  void stop() {
    if (bob != null) bob.close();
    if (cluster != null) cluster.close();
  }

  @Test
  @Order(1)
  void withoutTheSecretNoNameJoins() {
    try (Intruder join = Intruder.run("join", hazelcastPort, baseName, "rebound", "a-wrong-name")) {
      Map<String, String> saw = join.awaitExit();
      assertThat(saw).containsEntry("members." + baseName, "1").containsEntry("members.rebound", "1").containsEntry("members.a-wrong-name", "1");
    }
    cluster.awaitMembers(2, false);
  }

  @Test
  @Order(2)
  void withALeakedMemberNameItCannotPublishReadHistoryOrFanOut() {
    String epoch = cluster.node(0).api().ok("history", "{\"channel\":\"" + BOB_CHANNEL + "\",\"limit\":0}").path("epoch").asText();
    try (Intruder in = Intruder.run("fanout", hazelcastPort, memberName(), BOB_CHANNEL, epoch, "2", CLUSTER_SECRET)) {
      in.await("sent");
      assertThat(in.saw()).as("it joined").containsEntry("members", "3");
      assertThat(in.saw().get("api.publish")).isEqualTo(UNAUTHORIZED);
      assertThat(in.saw().get("api.history")).isEqualTo(UNAUTHORIZED).doesNotContain("for bob only");
      assertThat(in.saw().get("api.disconnect")).isEqualTo(UNAUTHORIZED);
      // The signed twin was sent after the forgeries on the same connection: once it is here, they were refused.
      JsonNode pub = bob.push(BOB_CHANNEL, "pub");
      assertThat(pub.path("offset").asLong()).isEqualTo(2);
      assertThat(pub.path("data").toString()).isEqualTo("{\"signed\":true}");
    }
    assertThat(bob.pubOffsets(BOB_CHANNEL)).containsExactly(2L);
    JsonNode history = cluster.node(1).api().ok("history", "{\"channel\":\"" + BOB_CHANNEL + "\",\"limit\":-1}");
    assertThat(history.path("offset").asLong()).as("nothing was appended").isEqualTo(1);
    assertThat(bob.isClosed()).isFalse();
  }

  @Test
  @Order(3)
  void withALeakedMemberNameItCannotDisconnectAnyone() {
    try (Intruder in = Intruder.run("control", hazelcastPort, memberName(), "bob", CLUSTER_SECRET)) {
      in.await("sent");
      // Unsigned (4000) and wrongly signed (4001) came first on the same connection; only the signed one (4002) counts.
      assertThat(bob.awaitClose(WAIT)).isEqualTo((short) 4002);
    }
  }

  @Test
  @Order(4)
  void withALeakedMemberNameItCannotPutCommandsIntoAnEmulatedSession() {
    String channel = "personal:#carol";
    NodeProcess node1 = cluster.node(0);
    try (StreamClient carol = StreamClient.post(clients.get(), node1.port(), "/connection/http_stream",
        "{\"id\":1,\"connect\":{\"token\":\"" + new JwtSigner(TOKEN_SECRET).connectionToken("carol", 3600) + "\"}}",
        StreamClient.Framing.LINES)) {
      JsonNode connected = carol.await("connect reply", reply(1)).path("connect");
      String subscribe = "{\"id\":%d,\"subscribe\":{\"channel\":\"" + channel + "\"}}";
      try (Intruder in = Intruder.run("emulation", hazelcastPort, memberName(), connected.path("node").asText(),
          connected.path("session").asText(), subscribe.formatted(7), subscribe.formatted(8), subscribe.formatted(9), CLUSTER_SECRET)) {
        in.await("emulation.signed");
        assertThat(in.saw().get("emulation.unsigned")).contains("not signed by this cluster");
        assertThat(in.saw().get("emulation.wrong")).contains("not signed by this cluster");
        assertThat(in.saw().get("emulation.signed")).isEqualTo("true");
        // The signed twin went after the refused ones and its reply is on the stream: theirs would have come first.
        assertThat(carol.await("the signed subscribe's reply", reply(9)).path("subscribe").isObject()).isTrue();
        assertThat(carol.received()).noneMatch(m -> m.path("id").asLong() == 7 || m.path("id").asLong() == 8);
        in.await("sent");
      }
    }
  }

  @Test
  @Order(5)
  void withALeakedMemberNameItCannotListChannels() {
    String channel = "personal:#dave"; // bob was disconnected above
    try (RawClient dave = RawClient.connected(clients.get(), cluster.node(0).port(), new JwtSigner(TOKEN_SECRET).connectionToken("dave", 3600))) {
      dave.subscribe(2, channel);
      listChannels(channel);
    }
  }

  private void listChannels(String channel) {
    try (Intruder in = Intruder.run("stats", hazelcastPort, memberName(), "personal:*", CLUSTER_SECRET)) {
      in.await("stats.signed");
      assertThat(in.saw().get("stats.map")).as("the shared node map holds numbers, no channel names").doesNotContain(channel);
      for (String refused : List.of(in.saw().get("stats.unsigned"), in.saw().get("stats.wrong"))) {
        assertThat(refused.split(" \\| ")).hasSize(2).allSatisfy(a -> assertThat(a).contains("not signed by this cluster"));
      }
      // The sealed twin, sent after the refused ones, is answered: each refusal was one, not a door that was not there.
      assertThat(in.saw().get("stats.signed")).contains(channel).doesNotContain("not signed");
      in.await("sent");
    }
  }

  private static java.util.function.Predicate<JsonNode> reply(long id) {
    return m -> m.path("id").asLong() == id;
  }

  /** The name members of this cluster join under: only computable with the secret (here: the test has it, an intruder would sniff it). */
  private String memberName() {
    return new ClusterOptions(null, CLUSTER_SECRET, null, 0).memberName(baseName);
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) throw new AssertionError("no " + regex + " in the cluster.xml");
    return m.group(1);
  }

  /** {@code ClusterIntruder.java} in its own JVM with only rebound.jar on its class path. */
  private static final class Intruder implements AutoCloseable {
    private static final Pattern SAID = Pattern.compile("^([\\w.-]+)=(.*)$");
    private final Process process;
    private final Map<String, String> saw = new ConcurrentHashMap<>();
    private final List<String> lines = new ArrayList<>();

    private Intruder(Process process) {
      this.process = process;
      Thread reader = new Thread(this::read, "intruder-output");
      reader.setDaemon(true);
      reader.start();
    }

    static Intruder run(String mode, int port, String... rest) {
      Path jar = Path.of(System.getProperty("rebound.jar", "../target/rebound.jar")).toAbsolutePath().normalize();
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          // Hazelcast refuses a member with another partition count; ProcessCluster's members have 71.
          "-Dhazelcast.partition.count=71"));
      cmd.addAll(NodeProcess.HAZELCAST_FLAGS);
      cmd.addAll(List.of("-cp", jar.toString(), RepoFiles.path("server/src/test/resources/intruder/ClusterIntruder.java").toString(),
          mode, Integer.toString(port)));
      cmd.addAll(List.of(rest));
      try {
        return new Intruder(new ProcessBuilder(cmd).redirectErrorStream(true).start());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void read() {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (lines) {
            lines.add(line);
          }
          Matcher said = SAID.matcher(line);
          if (said.matches()) saw.put(said.group(1), said.group(2));
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }

    Map<String, String> saw() {
      return saw;
    }

    void await(String key) {
      Await.until("the intruder says " + key + " (output: " + output() + ")", WAIT, () -> saw.containsKey(key) || !process.isAlive());
      if (!saw.containsKey(key)) throw new AssertionError("the intruder ended without " + key + ": " + output());
    }

    Map<String, String> awaitExit() {
      Await.until("the intruder exits (output: " + output() + ")", WAIT.multipliedBy(2), () -> !process.isAlive());
      assertThat(process.exitValue()).as("exit status; output: %s", output()).isZero();
      return saw;
    }

    private String output() {
      synchronized (lines) {
        return String.join("\n", lines);
      }
    }

    @Override
    public void close() {
      try {
        process.getOutputStream().close(); // the intruder leaves at the end of its input
      } catch (IOException ignored) {
        // already gone
      }
      try {
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
