package io.rebound.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.rebound.Node;
import io.rebound.auth.JwtSigner;
import io.rebound.config.ConfigLoader;
import io.rebound.testing.ApiClient;
import io.rebound.testing.Await;
import io.rebound.testing.HazelcastTestCluster;
import io.rebound.testing.Ports;
import io.rebound.testing.RawClient;
import io.rebound.testing.RepoFiles;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and the Prometheus alert rules of k8s/monitoring use only metrics and labels a node exports:
 * a Hazelcast node (cluster gauges included) gets a little of everything — connects, subscriptions, a publication, a
 * recovery, an error reply, an API call, a forced disconnect — then its {@code /metrics} is scraped and every PromQL
 * expression's names are looked up in it.
 */
class MonitoringIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "monitoring-it-secret";
  private static final String API_KEY = "monitoring-it-key";
  /** Labels Prometheus adds to every scraped series (the target's), which a node cannot export itself. */
  private static final Set<String> TARGET_LABELS = Set.of("instance", "job", "pod", "namespace", "container");
  /** Series Prometheus itself writes for every target. */
  private static final Set<String> PROMETHEUS_SERIES = Set.of("up");

  private static HazelcastTestCluster cluster;
  private static Vertx vertx;
  private static Node node;
  private static Map<String, Set<String>> exported; // metric name -> its label names

  @BeforeAll
  static void scrapeABusyNode() throws Exception {
    cluster = HazelcastTestCluster.start(1);
    vertx = cluster.node(0).vertx();
    int port = Ports.free();
    node = Await.result(Node.start(ConfigLoader.parse("""
        {"port": %d, "token_hmac_secret_key": "%s", "api_key": "%s", "engine": "hazelcast",
         "namespaces": [{"name": "chat", "history_size": 10, "history_ttl": "60s", "force_recovery": true,
                         "allow_subscribe_for_client": true}]}
        """.formatted(port, SECRET, API_KEY)), vertx, false), 60);
    ApiClient api = new ApiClient(port, API_KEY);
    JwtSigner signer = new JwtSigner(SECRET);
    try (RawClient alice = RawClient.connected(vertx, port, signer.connectionToken("alice", 600));
         RawClient bob = RawClient.connected(vertx, port, signer.connectionToken("bob", 600))) {
      JsonNode sub = alice.call(2, "subscribe", "{\"channel\":\"chat:m\"}").path("subscribe");
      api.ok("publish", "{\"channel\":\"chat:m\",\"data\":{\"n\":1}}");
      alice.await("the publication", f -> f.has("push") && f.path("push").has("pub"));
      JsonNode recovered = bob.call(2, "subscribe", "{\"channel\":\"chat:m\",\"recover\":true,\"offset\":" + sub.path("offset").asLong()
          + ",\"epoch\":\"" + sub.path("epoch").asText() + "\"}").path("subscribe");
      assertThat(recovered.path("recovered").asBoolean()).as("%s", recovered).isTrue();
      assertThat(bob.call(3, "subscribe", "{\"channel\":\"nowhere:x\"}").path("error").path("code").asInt()).isEqualTo(102);
      api.ok("disconnect", "{\"user\":\"alice\"}");
      alice.awaitClose();
    }
    Await.until("the cluster gauges are sampled", Duration.ofSeconds(30), () -> api.get("/metrics").text().contains("rebound_cluster_members"));
    exported = exported(api.get("/metrics").text());
  }

  @AfterAll
  static void stop() {
    if (node != null) Await.result(node.close(), 30);
    if (cluster != null) cluster.close();
  }

  /** Metric name -> label names, from the Prometheus text format. */
  static Map<String, Set<String>> exported(String text) {
    Map<String, Set<String>> out = new HashMap<>();
    Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
      Set<String> labels = out.computeIfAbsent(name, n -> new HashSet<>());
      if (brace >= 0 && brace < space) {
        Matcher m = label.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
        while (m.find()) labels.add(m.group(1));
      }
    }
    return out;
  }

  /** Every "expr" of the dashboard's targets, and the metric of every label_values() variable query. */
  private static List<String> dashboardExpressions(JsonNode dashboard) {
    List<String> exprs = new ArrayList<>();
    dashboard.findValues("expr").forEach(e -> exprs.add(e.asText()));
    Pattern labelValues = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)");
    for (JsonNode v : dashboard.path("templating").path("list")) {
      Matcher m = labelValues.matcher(v.path("definition").asText());
      if (m.find()) exprs.add(m.group(1) + "{" + m.group(2) + "=~\".*\"}");
    }
    return exprs;
  }

  private static void assertExported(String where, String expr) {
    PromQl.Names names = PromQl.names(expr);
    assertThat(names.metrics()).as("%s uses no metric: %s", where, expr).isNotEmpty();
    Set<String> labels = new HashSet<>(TARGET_LABELS);
    for (String metric : names.metrics()) {
      if (PROMETHEUS_SERIES.contains(metric)) continue;
      assertThat(exported).as("%s: metric %s (in %s) is not exported by a node; exported: %s", where, metric, expr,
          new java.util.TreeSet<>(exported.keySet())).containsKey(metric);
      labels.addAll(exported.get(metric));
    }
    assertThat(labels).as("%s: labels of %s", where, expr).containsAll(names.labels());
    assertThat(PromQl.FUNCTIONS).as("%s: functions of %s", where, expr).containsAll(names.functions());
  }

  @Test
  void everyDashboardQueryUsesExportedMetricsAndLabels() throws Exception {
    JsonNode dashboard = JSON.readTree(Files.readString(RepoFiles.path("k8s", "monitoring", "grafana-dashboard.json")));
    List<String> exprs = dashboardExpressions(dashboard);
    assertThat(exprs).hasSizeGreaterThan(25);
    for (String e : exprs) assertExported("dashboard", e);
    // What the dashboard is for: each of these is on it.
    String all = String.join("\n", exprs);
    assertThat(all).contains("rebound_connections", "rebound_deliveries_total", "rebound_recoveries_succeeded_total",
        "rebound_recoveries_refused_total", "rebound_slow_consumer_disconnects_total", "rebound_disconnects_total",
        "rebound_history_owned_bytes", "rebound_cluster_members", "rebound_cluster_safe");
  }

  @Test
  void dashboardIsWellFormed() throws Exception {
    JsonNode dashboard = JSON.readTree(Files.readString(RepoFiles.path("k8s", "monitoring", "grafana-dashboard.json")));
    assertThat(dashboard.path("uid").asText()).isNotEmpty();
    Set<Integer> ids = new HashSet<>();
    for (JsonNode p : dashboard.path("panels")) {
      assertThat(ids.add(p.path("id").asInt())).as("unique panel id %s", p.path("id")).isTrue();
      if (p.path("type").asText().equals("row")) continue;
      assertThat(p.path("datasource").path("uid").asText()).as("panel %s uses the datasource variable", p.path("title")).isEqualTo("${datasource}");
      assertThat(p.path("targets").size()).as("panel %s has queries", p.path("title")).isPositive();
      Set<String> refIds = new HashSet<>();
      for (JsonNode t : p.path("targets")) assertThat(refIds.add(t.path("refId").asText())).isTrue();
    }
  }

  @Test
  void everyAlertRuleUsesExportedMetricsAndLabels() throws Exception {
    JsonNode rules = new YAMLMapper().readTree(Files.readString(RepoFiles.path("k8s", "monitoring", "prometheus-rules.yaml")));
    int n = 0;
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        n++;
        String name = rule.path("alert").asText();
        assertThat(name).as("every rule is an alert with a name").startsWith("Rebound");
        assertThat(rule.path("labels").path("severity").asText()).as(name).isIn("critical", "warning", "info");
        assertThat(rule.path("annotations").path("summary").asText()).as(name).isNotEmpty();
        assertThat(rule.path("for").asText()).as(name).matches("\\d+[smh]");
        assertExported("alert " + name, rule.path("expr").asText());
      }
    }
    assertThat(n).isGreaterThanOrEqualTo(8);
  }
}
