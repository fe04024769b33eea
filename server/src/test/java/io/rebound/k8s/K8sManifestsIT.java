package io.rebound.k8s;

import io.rebound.testing.Ports;
import io.rebound.testing.RepoFiles;
import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryXmlConfig;
import com.hazelcast.config.JoinConfig;
import io.rebound.ClusterMember;
import io.rebound.Node;
import io.rebound.api.HttpApi;
import io.rebound.config.BrokerConfig;
import io.rebound.config.ConfigException;
import io.rebound.config.ConfigLoader;
import io.rebound.config.EnvOverrides;
import io.rebound.config.Engine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parses every manifest in k8s/ and checks the essentials agree with the code and the config: ports,
 * probe endpoints (served by a real node), Hazelcast discovery versus the headless Service, the
 * wiring between StatefulSet, Services, PDB and RBAC, and credentials from the Secret (as REBOUND_*
 * variables) rather than the ConfigMap.
 */
class K8sManifestsIT {

  private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory());
  private static final List<JsonNode> DOCS = new ArrayList<>();

  @BeforeAll
  static void load() throws Exception {
    try (Stream<Path> files = Files.list(RepoFiles.path("k8s"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        try (var parser = YAML.getFactory().createParser(f.toFile())) {
          var it = YAML.readValues(parser, JsonNode.class);
          while (it.hasNext()) {
            JsonNode doc = it.next();
            if (doc == null || doc.isNull() || doc.isEmpty()) continue;
            DOCS.add(doc);
          }
        }
      }
    }
  }

  private static JsonNode kind(String kind, String name) {
    return DOCS.stream().filter(d -> kind.equals(d.path("kind").asText()) && name.equals(d.path("metadata").path("name").asText()))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in k8s/"));
  }

  private static JsonNode kustomization() {
    return DOCS.stream().filter(d -> "Kustomization".equals(d.path("kind").asText())).findFirst()
        .orElseThrow(() -> new AssertionError("no kustomization.yaml"));
  }

  private static JsonNode container() {
    return kind("StatefulSet", "rebound").path("spec").path("template").path("spec").path("containers").get(0);
  }

  private static int containerPort(String name) {
    for (JsonNode p : container().path("ports")) if (name.equals(p.path("name").asText())) return p.path("containerPort").asInt();
    throw new AssertionError("no container port " + name);
  }

  private static String configJson() {
    return kind("ConfigMap", "rebound-config").path("data").path("config.json").asText();
  }

  /** The broker's configuration as a pod sees it: config.json with the REBOUND_* variables the StatefulSet sets. */
  private static BrokerConfig brokerConfig() {
    return ConfigLoader.parse(configJson(), brokerEnv());
  }

  /**
   * The REBOUND_* variables of the broker container with their values (literal, or from the Secret). The admin page's
   * keys exist only in builds that have it: a variable for a key this build does not know yet is left out here (a pod
   * of such a build would refuse it), and {@link #credentialsComeFromTheSecretNotTheConfigMap} still checks its source.
   */
  private static Map<String, String> brokerEnv() {
    Map<String, String> env = new HashMap<>();
    for (JsonNode e : container().path("env")) {
      String name = e.path("name").asText();
      if (!name.startsWith(EnvOverrides.PREFIX)) continue;
      String key = name.substring(EnvOverrides.PREFIX.length()).toLowerCase(java.util.Locale.ROOT);
      if (key.startsWith("admin_") && !ConfigLoader.isTopLevelKey(key)) continue;
      env.put(name, e.has("value") ? e.path("value").asText() : fromSecretOrPod(e.path("valueFrom")));
    }
    return env;
  }

  /** A pod's IP as Kubernetes would put it in a variable from {@code fieldRef: status.podIP}. */
  private static final String POD_IP = "10.244.1.17";

  private static String fromSecretOrPod(JsonNode valueFrom) {
    if (valueFrom.has("fieldRef")) {
      assertThat(valueFrom.path("fieldRef").path("fieldPath").asText()).isEqualTo("status.podIP");
      return POD_IP;
    }
    return secretValue(valueFrom.path("secretKeyRef"));
  }

  private static String secretValue(JsonNode ref) {
    JsonNode secret = kind("Secret", ref.path("name").asText());
    JsonNode value = secret.path("stringData").path(ref.path("key").asText());
    assertThat(value.isTextual()).as("Secret %s has key %s", ref.path("name").asText(), ref.path("key").asText()).isTrue();
    return value.asText();
  }

  private static Config hazelcastConfig() {
    return new InMemoryXmlConfig(kind("ConfigMap", "rebound-config").path("data").path("cluster.xml").asText());
  }

  @Test
  void everyDocumentIsAKubernetesObject() {
    assertThat(DOCS).hasSizeGreaterThanOrEqualTo(10);
    for (JsonNode d : DOCS) {
      if ("Kustomization".equals(d.path("kind").asText())) {
        // Every manifest file is listed (redis.yaml is optional and documented as such).
        for (JsonNode r : d.path("resources")) assertThat(RepoFiles.path("k8s", r.asText())).exists();
        continue;
      }
      assertThat(d.path("apiVersion").asText()).as("apiVersion of %s", d.path("metadata")).isNotEmpty();
      assertThat(d.path("kind").asText()).isNotEmpty();
      assertThat(d.path("metadata").path("name").asText()).isNotEmpty();
    }
  }

  @Test
  void credentialsComeFromTheSecretNotTheConfigMap() throws Exception {
    JsonNode fileKeys = new com.fasterxml.jackson.databind.ObjectMapper().readTree(configJson());
    for (String key : List.of("token_hmac_secret_key", "api_key", "admin_password", "admin_secret")) {
      assertThat(fileKeys.has(key)).as("%s must not be in the ConfigMap", key).isFalse();
    }
    assertThatThrownBy(() -> ConfigLoader.parse(configJson())).as("config.json alone lacks the credentials")
        .isInstanceOf(ConfigException.class);
    JsonNode secret = kind("Secret", "rebound-secrets");
    assertThat(kustomization().path("resources").toString()).contains("secret.yaml");
    Map<String, String> fromSecret = new HashMap<>();
    for (JsonNode e : container().path("env")) {
      JsonNode ref = e.path("valueFrom").path("secretKeyRef");
      if (ref.isMissingNode()) continue;
      assertThat(ref.path("name").asText()).isEqualTo("rebound-secrets");
      fromSecret.put(e.path("name").asText(), ref.path("key").asText());
    }
    assertThat(fromSecret).containsExactlyInAnyOrderEntriesOf(Map.of(
        "REBOUND_TOKEN_HMAC_SECRET_KEY", "token_hmac_secret_key",
        "REBOUND_API_KEY", "api_key",
        "REBOUND_ADMIN_PASSWORD", "admin_password",
        "REBOUND_ADMIN_SECRET", "admin_secret",
        "REBOUND_CLUSTER_SECRET", "cluster_secret"));
    // Each variable names the key it overrides (REBOUND_<KEY> = <key>), and the Secret holds exactly what is referenced.
    fromSecret.forEach((variable, key) -> assertThat(variable).isEqualTo(EnvOverrides.variableOf(key)));
    assertThat(secret.path("stringData").size()).isEqualTo(fromSecret.size());
    // The pod's variables are accepted by this build, and they are what the broker ends up with.
    assertThat(ConfigLoader.overrides(brokerEnv()).variables()).containsAll(brokerEnv().keySet());
    BrokerConfig c = brokerConfig();
    assertThat(c.tokenHmacSecretKey()).isEqualTo(secret.path("stringData").path("token_hmac_secret_key").asText());
    assertThat(c.apiKey()).isEqualTo(secret.path("stringData").path("api_key").asText());
    assertThat(c.cluster().secret()).isEqualTo(secret.path("stringData").path("cluster_secret").asText());
  }

  /**
   * Issue 15.1: Hazelcast and the event bus listen on the pod IP (never every interface), on the ports the
   * NetworkPolicy admits from the StatefulSet's own pods only; the HTTP port is the only one open to others.
   */
  @Test
  void theClusterPlaneIsOpenToTheMembersOnly() {
    BrokerConfig config = brokerConfig();
    ClusterMember member = ClusterMember.of(hazelcastConfig(), config.cluster());
    assertThat(member.address()).isEqualTo(POD_IP);
    assertThat(member.hazelcast().getNetworkConfig().getInterfaces().getInterfaces()).containsExactly(POD_IP);
    assertThat(member.hazelcast().getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
    assertThat(member.hazelcast().getClusterName()).as("joined under the secret-derived name")
        .startsWith(hazelcastConfig().getClusterName() + ".").isNotEqualTo(hazelcastConfig().getClusterName());
    assertThat(member.busPort()).isEqualTo(containerPort("eventbus")).isPositive();

    JsonNode policy = kind("NetworkPolicy", "rebound-cluster-plane").path("spec");
    JsonNode podLabels = kind("StatefulSet", "rebound").path("spec").path("template").path("metadata").path("labels");
    assertThat(policy.path("podSelector").path("matchLabels")).isEqualTo(podLabels);
    assertThat(policy.path("policyTypes").toString()).contains("Ingress");
    assertThat(kustomization().path("resources").toString()).contains("networkpolicy.yaml");
    Map<Integer, List<JsonNode>> fromByPort = new HashMap<>();
    for (JsonNode rule : policy.path("ingress")) {
      for (JsonNode port : rule.path("ports")) fromByPort.computeIfAbsent(port.path("port").asInt(), p -> new ArrayList<>()).add(rule.path("from"));
    }
    assertThat(fromByPort.get(config.port())).as("HTTP is open").containsExactly(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    for (int port : List.of(containerPort("hazelcast"), containerPort("eventbus"))) {
      assertThat(fromByPort.get(port)).as("port %d", port).hasSize(1);
      JsonNode from = fromByPort.get(port).get(0);
      assertThat(from.size()).as("port %d admits one source", port).isEqualTo(1);
      assertThat(from.get(0).path("podSelector").path("matchLabels")).as("port %d from the StatefulSet's pods", port).isEqualTo(podLabels);
      assertThat(from.get(0).has("namespaceSelector")).isFalse();
    }
    assertThat(fromByPort.keySet()).containsExactlyInAnyOrder(config.port(), containerPort("hazelcast"), containerPort("eventbus"));
  }

  @Test
  void podsAreAnnotatedForPrometheus() {
    JsonNode annotations = kind("StatefulSet", "rebound").path("spec").path("template").path("metadata").path("annotations");
    assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
    assertThat(annotations.path("prometheus.io/port").asInt()).isEqualTo(containerPort("http"));
    assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
  }

  @Test
  void portsMatchTheConfig() {
    BrokerConfig config = brokerConfig();
    assertThat(config.engine()).isEqualTo(Engine.HAZELCAST);
    assertThat(containerPort("http")).isEqualTo(config.port());
    JsonNode client = kind("Service", "rebound").path("spec").path("ports").get(0);
    assertThat(client.path("targetPort").asText()).isEqualTo("http");
    assertThat(containerPort("hazelcast")).isEqualTo(hazelcastConfig().getNetworkConfig().getPort());
  }

  @Test
  void discoveryMatchesTheHeadlessService() {
    JsonNode headless = kind("Service", "rebound-hz");
    assertThat(headless.path("spec").path("clusterIP").asText()).isEqualTo("None");
    assertThat(headless.path("spec").path("publishNotReadyAddresses").asBoolean()).isTrue();
    String namespace = kustomization().path("namespace").asText();
    JoinConfig join = hazelcastConfig().getNetworkConfig().getJoin();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-dns"))
        .isEqualTo("rebound-hz." + namespace + ".svc.cluster.local");
    assertThat(join.getKubernetesConfig().getProperty("service-port"))
        .isEqualTo(String.valueOf(headless.path("spec").path("ports").get(0).path("port").asInt()));
    assertThat(kind("StatefulSet", "rebound").path("spec").path("serviceName").asText()).isEqualTo("rebound-hz");
  }

  @Test
  void clusterXmlVariantKeepsWhatTheBrokerNeeds() throws Exception {
    Config k8s = hazelcastConfig();
    Config repo = new InMemoryXmlConfig(Files.readString(RepoFiles.path("cluster.xml")));
    for (String map : List.of("rebound.history.streams", "rebound.sync.positions", "__vertx.haInfo", "__vertx.nodeInfo")) {
      assertThat(k8s.getMapConfig(map).getBackupCount()).as(map).isEqualTo(repo.getMapConfig(map).getBackupCount()).isGreaterThanOrEqualTo(1);
    }
    assertThat(k8s.getMultiMapConfig("__vertx.subs").getBackupCount()).isGreaterThanOrEqualTo(1);
    for (String property : List.of("hazelcast.wait.seconds.before.join", "hazelcast.max.wait.seconds.before.join",
        "hazelcast.phone.home.enabled", "hazelcast.max.no.heartbeat.seconds", "hazelcast.operation.fail.on.indeterminate.state")) {
      assertThat(k8s.getProperty(property)).as(property).isEqualTo(repo.getProperty(property));
    }
    assertThat(k8s.getSerializationConfig().getDataSerializableFactoryClasses())
        .isEqualTo(repo.getSerializationConfig().getDataSerializableFactoryClasses());
  }

  @Test
  void configAndClusterFilesAreMountedWhereTheArgumentsPointAt() {
    JsonNode c = container();
    String mount = c.path("volumeMounts").get(0).path("mountPath").asText();
    assertThat(c.path("args").toString()).contains(mount + "/config.json");
    assertThat(c.path("env").toString()).contains("-Dvertx.hazelcast.config=" + mount + "/cluster.xml");
    assertThat(c.path("resources").path("requests").isObject()).isTrue();
    assertThat(c.path("resources").path("limits").isObject()).isTrue();
    long grace = kind("StatefulSet", "rebound").path("spec").path("template").path("spec").path("terminationGracePeriodSeconds").asLong();
    assertThat(grace * 1000).as("grace period covers the drain").isGreaterThan(Node.DRAIN_PERIOD_MS + 10_000);
  }

  @Test
  void selectorsPdbAndRbacPointAtTheBrokerPods() {
    JsonNode podLabels = kind("StatefulSet", "rebound").path("spec").path("template").path("metadata").path("labels");
    assertThat(kind("Service", "rebound").path("spec").path("selector")).isEqualTo(podLabels);
    assertThat(kind("Service", "rebound-hz").path("spec").path("selector")).isEqualTo(podLabels);
    JsonNode pdb = kind("PodDisruptionBudget", "rebound").path("spec");
    assertThat(pdb.path("selector").path("matchLabels")).isEqualTo(podLabels);
    assertThat(pdb.path("maxUnavailable").asInt()).isEqualTo(1);
    String sa = kind("StatefulSet", "rebound").path("spec").path("template").path("spec").path("serviceAccountName").asText();
    kind("ServiceAccount", sa);
    JsonNode binding = kind("RoleBinding", "rebound-discovery");
    assertThat(binding.path("subjects").get(0).path("name").asText()).isEqualTo(sa);
    kind("Role", binding.path("roleRef").path("name").asText());
  }

  @Test
  void probesPointAtEndpointsARealNodeServes() throws Exception {
    JsonNode c = container();
    String ready = c.path("readinessProbe").path("httpGet").path("path").asText();
    String live = c.path("livenessProbe").path("httpGet").path("path").asText();
    assertThat(ready).isEqualTo(HttpApi.READY_PATH);
    assertThat(live).isEqualTo(HttpApi.LIVE_PATH);
    assertThat(c.path("readinessProbe").path("httpGet").path("port").asText()).isEqualTo("http");

    // The same config on the memory engine (a one-member test has no Kubernetes to discover).
    String json = configJson().replace("\"hazelcast\"", "\"memory\"");
    int port = Ports.free();
    Node node = result(Node.start(ConfigLoader.parse(json, brokerEnv()).withPort(port)), 60);
    try {
      HttpClient http = HttpClient.newHttpClient();
      for (String path : List.of(ready, live)) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
      }
      result(node.shutdown(0));
      node = null;
    } finally {
      if (node != null) result(node.close());
    }
  }
}
