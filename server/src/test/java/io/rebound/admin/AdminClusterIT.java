package io.rebound.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.Node;
import io.rebound.auth.JwtSigner;
import io.rebound.config.ConfigLoader;
import io.rebound.testing.ApiClient;
import io.rebound.testing.Await;
import io.rebound.testing.HazelcastTestCluster;
import io.rebound.testing.Ports;
import io.rebound.testing.RawClient;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin page's view of a Hazelcast cluster: whichever node serves it, it lists every node with
 * its own connections, membership and safety, and carries every node's per-second series; a session
 * from one node's login is good on the others (they share {@code admin_secret}); a node that leaves
 * drops off the list by itself.
 */
class AdminClusterIT {

  private static final String SECRET = "admin-cluster-secret-long-enough";
  private static final String API_KEY = "admin-cluster-key";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static HazelcastTestCluster cluster;
  private static final List<Node> nodes = new ArrayList<>();
  private static Vertx clientVertx;
  private static final List<RawClient> clients = new ArrayList<>();

  private static String config(int i) {
    return """
        {"port": %d, "name": "admin-node-%d", "token_hmac_secret_key": "%s", "api_key": "%s", "engine": "hazelcast",
         "admin": true, "admin_password": "pw", "admin_secret": "shared-admin-secret",
         "namespaces": [{"name": "chat", "history_size": 10, "history_ttl": "60s", "allow_subscribe_for_client": true}]}
        """.formatted(Ports.free(), i + 1, SECRET, API_KEY);
  }

  @BeforeAll
  static void startCluster() {
    cluster = HazelcastTestCluster.start(2);
    for (int i = 0; i < 2; i++) nodes.add(Await.result(Node.start(ConfigLoader.parse(config(i)), cluster.node(i).vertx(), false), 60));
    clientVertx = Vertx.vertx();
  }

  @AfterAll
  static void stopCluster() {
    clients.forEach(RawClient::close);
    for (Node n : nodes) Await.result(n.close(), 30);
    if (cluster != null) cluster.close();
    if (clientVertx != null) clientVertx.close();
  }

  private static JsonNode overview(ApiClient on, String token) {
    ApiClient.Response r = on.post("/admin/api/overview", "{}", "Authorization", "Bearer " + token);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.result();
  }

  private static Map<String, JsonNode> byName(JsonNode overview) {
    Map<String, JsonNode> out = new HashMap<>();
    overview.path("nodes").forEach(n -> out.put(n.path("name").asText(), n));
    return out;
  }

  private static long opened(JsonNode node) {
    long opened = 0;
    for (JsonNode s : node.path("samples")) opened += s.path("opened").asLong();
    return opened;
  }

  @Test
  void everyNodeShowsTheWholeCluster() {
    JwtSigner signer = new JwtSigner(SECRET);
    for (int i = 0; i < 3; i++) clients.add(RawClient.connected(clientVertx, nodes.get(0).port(), signer.connectionToken("a" + i, 600)));
    for (int i = 0; i < 2; i++) clients.add(RawClient.connected(clientVertx, nodes.get(1).port(), signer.connectionToken("b" + i, 600)));

    ApiClient first = new ApiClient(nodes.get(0).port(), API_KEY);
    ApiClient second = new ApiClient(nodes.get(1).port(), API_KEY);
    ApiClient.Response login = first.post("/admin/login", "{\"password\": \"pw\"}", null, null);
    String token = login.body().path("token").asText();

    for (ApiClient on : List.of(first, second)) {
      // the session from the first node's login is good on the second
      // Each node's connections, and its per-second series (3 and 2 opened) travelling with it.
      Map<String, JsonNode> seen = Await.value("both nodes with their connections and series", WAIT, () -> {
        Map<String, JsonNode> m = byName(overview(on, token));
        boolean right = m.size() == 2 && m.containsKey("admin-node-1") && m.containsKey("admin-node-2")
            && m.get("admin-node-1").path("connections").asInt() == 3 && m.get("admin-node-2").path("connections").asInt() == 2
            && opened(m.get("admin-node-1")) == 3 && opened(m.get("admin-node-2")) == 2
            && m.get("admin-node-2").path("cluster").path("members").asInt() == 2;
        return right ? m : null;
      });
      for (JsonNode n : seen.values()) {
        assertThat(n.path("cluster").path("safe").isBoolean()).isTrue();
        assertThat(n.path("engine").asText()).isEqualTo("hazelcast");
      }
    }

    // A node that leaves drops off the list by itself (its snapshot expires).
    Await.result(nodes.remove(1).close(), 30);
    Await.until("the second node drops off", WAIT, () -> byName(overview(first, token)).keySet().equals(java.util.Set.of("admin-node-1")));
  }
}
