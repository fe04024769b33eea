package io.rebound.admin;

import static io.rebound.testing.SdkClient.is;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.RunningNode;
import io.rebound.testing.SdkClient;
import io.rebound.testing.TcpProxy;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin page in a real browser (headless Chromium through puppeteer-core) against a real node,
 * as an operator uses it: a wrong password is refused, the right one opens the page; the node list
 * counts the clients that connected; a balancer reload (every client's connection cut at the proxy,
 * the real centrifuge SDK reconnecting and recovering) shows in the chart as a network cut followed
 * by as many recoveries; a channel's history pages back and forth; a publication made on the page
 * reaches an SDK subscriber, and a user disconnected from the page is closed with the chosen code. The page is photographed at the end ({@code target/admin-page.png}).
 */
class AdminPageIT {

  private static final String PASSWORD = "correct horse battery";
  private static final int CROWD = 20;
  private static final Duration PAGE_WAIT = Duration.ofSeconds(40);
  private static final String CONFIG = """
      {"name": "admin-page-node", "engine": "memory",
       "admin": true, "admin_password": "%s", "admin_secret": "admin-page-secret-long-enough",
       "namespaces": [{"name": "chat", "history_size": 100, "history_ttl": "600s", "force_recovery": true,
                       "presence": true, "allow_subscribe_for_client": true}]}
      """.formatted(PASSWORD);

  private static RunningNode node;
  private static Vertx vertx;
  private static TcpProxy balancer;
  private static AdminBrowser browser;
  private static final List<SdkClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    node = RunningNode.start(CONFIG);
    vertx = Vertx.vertx();
    balancer = TcpProxy.start(vertx, List.of(node.port()));
    browser = AdminBrowser.start("http://127.0.0.1:" + node.port() + "/");
  }

  @AfterAll
  static void stop() {
    clients.forEach(SdkClient::close);
    if (browser != null) browser.close();
    if (balancer != null) balancer.close();
    if (vertx != null) vertx.close();
    if (node != null) node.close();
  }

  @Test
  void anOperatorWatchesAReloadBrowsesHistoryAndPublishes() throws Exception {
    // A wrong password is refused on the page; the right one opens it.
    assertThat(browser.open().path("login").asBoolean()).as("the login form is shown first").isTrue();
    JsonNode refused = browser.login("not-the-password");
    assertThat(refused.path("ok").asBoolean()).isFalse();
    assertThat(refused.path("error").asText()).isEqualTo("wrong password");
    assertThat(browser.login(PASSWORD).path("ok").asBoolean()).isTrue();

    // The node list counts the clients that connected (through the balancer).
    SdkClient crowd = SdkClient.start("admin-crowd", "swarm.mjs", List.of(), Map.of(
        "REBOUND_URL", balancer.wsUrl(), "REBOUND_TOKEN", node.token("crowd"), "REBOUND_CHANNEL", "chat:crowd",
        "REBOUND_CLIENTS", String.valueOf(CROWD)));
    clients.add(crowd);
    crowd.until("the crowd connects and subscribes", Duration.ofSeconds(30), events -> last(events, "swarm", "state")
        .map(s -> s.path("connected").asInt() == CROWD && s.path("subscribed").asInt() == CROWD).orElse(false));
    JsonNode nodes = AdminBrowser.until("the page counts " + CROWD + " connections", PAGE_WAIT, browser::nodes,
        page -> page.path("total").asInt() == CROWD);
    assertThat(nodes.path("nodes")).hasSize(1);
    assertThat(nodes.path("nodes").get(0).path("name").asText()).isEqualTo("admin-page-node");
    assertThat(nodes.path("nodes").get(0).path("connections").asInt()).isEqualTo(CROWD);

    // A balancer reload: every connection cut at once; the SDK clients reconnect and recover.
    node.publish("chat:crowd", 1);
    balancer.dropAll();
    crowd.until("every client reconnects and recovers", Duration.ofSeconds(30), events -> last(events, "swarm", "state")
        .map(s -> s.path("recovered").asInt() >= CROWD && s.path("connected").asInt() == CROWD && s.path("subscribed").asInt() == CROWD)
        .orElse(false));
    JsonNode chart = AdminBrowser.until("the chart shows the cut and the recoveries", PAGE_WAIT, browser::chart,
        page -> page.path("bars").path("closed").asInt() >= CROWD && page.path("bars").path("recovered").asInt() >= CROWD
            && page.path("events").size() > 0);
    assertThat(chart.path("totals").path("recoveries_attempted").asInt()).isGreaterThanOrEqualTo(CROWD);
    assertThat(chart.path("totals").path("recoveries_refused").asInt()).isZero();
    assertThat(chart.path("bars").path("disconnect:network").asInt()).as("closed by the network, not by the server")
        .isGreaterThanOrEqualTo(CROWD);
    JsonNode reload = chart.path("events").get(0);
    assertThat(reload.path("kind").asText()).startsWith("network cut");
    assertThat(reload.path("closed").asInt()).isGreaterThanOrEqualTo(CROWD);
    assertThat(reload.path("recovered").asInt()).isGreaterThanOrEqualTo(CROWD);
    assertThat(reload.path("refused").asInt()).isZero();

    // A channel's history, paged newest first.
    for (int n = 1; n <= 30; n++) node.publish("chat:history", n);
    JsonNode channel = browser.channel("chat:history");
    assertThat(channel.path("facts").path("stream position").asText()).isEqualTo("30");
    assertThat(offsets(channel)).containsExactlyElementsOf(descending(30, 11));
    assertThat(offsets(browser.history("older"))).containsExactlyElementsOf(descending(10, 1));
    assertThat(offsets(browser.history("newer"))).containsExactlyElementsOf(descending(30, 11));
    assertThat(offsets(browser.history("older"))).containsExactlyElementsOf(descending(10, 1));
    assertThat(offsets(browser.history("newest"))).containsExactlyElementsOf(descending(30, 11));

    // A publication made on the page (after confirming) reaches a subscriber using the SDK.
    SdkClient reader = SdkClient.driver("admin-reader", node, node.token("reader"), List.of("chat:news"), false);
    clients.add(reader);
    reader.await("the reader subscribes", is("sub", "subscribed", "chat:news"));
    browser.channel("chat:news");
    JsonNode dialog = browser.publish("{\"text\": \"hello from the admin page\"}");
    assertThat(dialog.path("title").asText()).isEqualTo("Publish to chat:news?");
    assertThat(dialog.path("body").asText()).contains("hello from the admin page").contains("(1 now)");
    JsonNode published = browser.confirm();
    assertThat(published.path("ok").asBoolean()).isTrue();
    assertThat(published.path("text").asText()).isEqualTo("published at offset 1");
    JsonNode received = reader.await("the reader gets the page's publication", is("sub", "publication", "chat:news"));
    assertThat(received.path("data").path("text").asText()).isEqualTo("hello from the admin page");
    assertThat(received.path("offset").asLong()).isEqualTo(1);

    // Disconnecting a user from the page (after confirming) closes their connection with 3011; the SDK reconnects.
    int beforeDisconnect = reader.mark();
    JsonNode disconnectDialog = browser.disconnect("reader", true);
    assertThat(disconnectDialog.path("title").asText()).isEqualTo("Disconnect reader?");
    assertThat(disconnectDialog.path("body").asText()).contains("3011");
    assertThat(browser.confirmDisconnect().path("ok").asBoolean()).isTrue();
    assertThat(reader.await("the reader is disconnected with 3011", beforeDisconnect, is("client", "connecting"))
        .path("code").asInt()).isEqualTo(3011);
    reader.await("the reader reconnects", beforeDisconnect, is("client", "connected"));

    // What the operator saw, for a person to look at; and the page threw no script errors throughout.
    Path shot = Files.createDirectories(Path.of("target")).resolve("admin-page.png");
    browser.screenshot(shot);
    assertThat(Files.size(shot)).isGreaterThan(10_000);
    assertThat(browser.pageErrors()).isEmpty();
  }

  private static java.util.Optional<JsonNode> last(List<JsonNode> events, String scope, String event) {
    for (int i = events.size() - 1; i >= 0; i--) {
      JsonNode e = events.get(i);
      if (scope.equals(e.path("scope").asText()) && event.equals(e.path("event").asText())) return java.util.Optional.of(e);
    }
    return java.util.Optional.empty();
  }

  private static List<Long> offsets(JsonNode step) {
    List<Long> out = new ArrayList<>();
    step.path("offsets").forEach(o -> out.add(o.asLong()));
    return out;
  }

  private static List<Long> descending(long from, long to) {
    return LongStream.rangeClosed(to, from).map(i -> from + to - i).boxed().toList();
  }
}
