package io.rebound.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.auth.JwtSigner;
import io.rebound.testing.ApiClient;
import io.rebound.testing.Await;
import io.rebound.testing.Ports;
import io.rebound.testing.RawClient;
import io.rebound.testing.RunningNode;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin page's HTTP side against real nodes, without a browser: what the page is served with,
 * who gets in (the password, then a session token; never the server API key), the per-address login
 * limit, expiry, the separate admin port, insecure and disabled modes, and that its operations land
 * where the server API puts them.
 */
class AdminApiIT {

  private static final String PASSWORD = "s3cret admin password";
  private static final String ADMIN_SECRET = "admin-api-it-secret-long-enough";
  private static final String NAMESPACES = """
      "namespaces": [{"name": "chat", "history_size": 100, "history_ttl": "600s", "force_recovery": true,
                      "presence": true, "allow_subscribe_for_client": true},
                     {"name": "live", "allow_subscribe_for_client": true}]""";

  private static RunningNode node;
  private static ApiClient http;
  private static Vertx vertx;
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  private static String config(String extra) {
    return "{\"name\": \"admin-api-node\", \"admin\": true, \"admin_password\": \"" + PASSWORD + "\", \"admin_secret\": \""
        + ADMIN_SECRET + "\"" + (extra.isEmpty() ? "" : ", " + extra) + ", " + NAMESPACES + "}";
  }

  @BeforeAll
  static void start() {
    node = RunningNode.start(config(""));
    http = new ApiClient(node.port(), RunningNode.API_KEY);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
    if (vertx != null) vertx.close();
  }

  @AfterEach
  void closeOthers() throws Exception {
    for (AutoCloseable c : closeAfter) c.close();
  }

  private static String login(ApiClient on) {
    ApiClient.Response r = on.post("/admin/login", "{\"password\": \"" + PASSWORD + "\"}", null, null);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.body().path("token").asText();
  }

  private static ApiClient.Response admin(ApiClient on, String op, String token, String body) {
    return on.post("/admin/api/" + op, body, token == null ? null : "Authorization", token == null ? null : "Bearer " + token);
  }

  private static JsonNode adminOk(String op, String token, String body) {
    ApiClient.Response r = admin(http, op, token, body);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.error()).as(r.text()).isNull();
    return r.result();
  }

  @Test
  void thePageIsServedFromTheJarWithItsSecurityHeaders() throws Exception {
    var response = java.net.http.HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(response.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("default-src 'none'").contains("script-src 'self'").contains("frame-ancestors 'none'");
    assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(response.body()).contains("<title>Rebound admin</title>").contains("/admin/app.js").doesNotContain("http://", "https://");
    String etag = response.headers().firstValue("ETag").orElseThrow();
    var again = java.net.http.HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/")).header("If-None-Match", etag).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(304);

    for (String file : List.of("app.js", "chart.js", "dom.js", "app.css")) {
      ApiClient.Response r = http.get("/admin/" + file);
      assertThat(r.status()).as(file).isEqualTo(200);
      // Nothing is fetched from elsewhere (the SVG namespace is a name, not an address).
      assertThat(r.text().replace("http://www.w3.org/2000/svg", "")).as(file).doesNotContain("http://", "https://", "//cdn");
    }
    assertThat(http.get("/admin/../../rebound-default.json").status()).isEqualTo(404);
    assertThat(http.get("/admin/secrets.txt").status()).isEqualTo(404);
    // The node's own routes are untouched.
    assertThat(http.get("/health").status()).isEqualTo(200);
    assertThat(http.ok("info", "{}").path("nodes")).hasSize(1);
  }

  @Test
  void aWrongPasswordIsRefusedAndASessionTokenOpensTheApiAndNothingElseDoes() {
    ApiClient.Response wrong = http.post("/admin/login", "{\"password\": \"guess\"}", null, null);
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.error().path("message").asText()).isEqualTo("wrong password");

    assertThat(admin(http, "overview", null, "{}").status()).isEqualTo(401);
    assertThat(admin(http, "overview", RunningNode.API_KEY, "{}").status()).as("the server API key is no admin session").isEqualTo(401);
    assertThat(http.post("/admin/api/overview", "{}", "X-API-Key", RunningNode.API_KEY).status()).isEqualTo(401);
    String connectionToken = new JwtSigner(ADMIN_SECRET).sign(Map.of("sub", "admin", "exp", System.currentTimeMillis() / 1000 + 60));
    assertThat(admin(http, "overview", connectionToken, "{}").status()).as("no audience, no entry").isEqualTo(401);

    String token = login(http);
    JsonNode overview = adminOk("overview", token, "{}");
    assertThat(overview.path("nodes")).hasSize(1);
    assertThat(overview.path("nodes").get(0).path("name").asText()).isEqualTo("admin-api-node");
    // ...and the admin session does not open the server API.
    assertThat(http.post("/api/info", "{}", "Authorization", "Bearer " + token).status()).isEqualTo(401);
  }

  @Test
  void loginAttemptsAreLimitedPerRemoteAddress() throws Exception {
    // Addresses of their own (127.0.0.2, .3), so the other tests' logins from 127.0.0.1 are not held back.
    for (int i = 0; i < LoginLimiter.DEFAULT_BURST; i++) {
      assertThat(rawLogin("127.0.0.2", "guess " + i).status).as("attempt %d", i + 1).isEqualTo(401);
    }
    RawResponse limited = rawLogin("127.0.0.2", PASSWORD);
    assertThat(limited.status).isEqualTo(429);
    assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 12);
    assertThat(limited.body).contains("too many login attempts from this address");

    assertThat(rawLogin("127.0.0.3", PASSWORD).status).as("another address is not held back").isEqualTo(200);
  }

  @Test
  void anExpiredSessionIsRefused() {
    RunningNode shortLived = RunningNode.start(config("\"admin_token_ttl\": \"1s\""));
    closeAfter.add(shortLived);
    ApiClient on = new ApiClient(shortLived.port(), RunningNode.API_KEY);
    String token = login(on);
    Await.until("the one-second session expires", Duration.ofSeconds(10), () -> admin(on, "overview", token, "{}").status() == 401);
    assertThat(admin(on, "overview", token, "{}").error().path("message").asText()).isEqualTo("session expired: log in again");
  }

  @Test
  void anAdminPortServesThePageApartFromTheNodePort() {
    int adminPort = Ports.free();
    RunningNode separate = RunningNode.start(config("\"admin_port\": " + adminPort));
    closeAfter.add(separate);
    ApiClient nodePort = new ApiClient(separate.port(), RunningNode.API_KEY);
    ApiClient admin = new ApiClient(adminPort, RunningNode.API_KEY);
    Await.until("the admin port listens", Duration.ofSeconds(10), () -> admin.answersOk("/"));
    assertThat(admin(admin, "overview", login(admin), "{}").status()).isEqualTo(200);
    assertThat(admin.get("/health").status()).as("the node's routes are not on the admin port").isEqualTo(404);
    assertThat(nodePort.get("/").status()).as("the page is not on the node port").isEqualTo(404);
    assertThat(nodePort.post("/admin/login", "{\"password\": \"" + PASSWORD + "\"}", null, null).status()).isEqualTo(404);
    assertThat(nodePort.get("/health").status()).isEqualTo(200);
  }

  @Test
  void insecureNeedsNoLoginAndDisabledServesNothing() {
    RunningNode insecure = RunningNode.start("{\"admin\": true, \"admin_insecure\": true}");
    closeAfter.add(insecure);
    ApiClient open = new ApiClient(insecure.port(), RunningNode.API_KEY);
    assertThat(admin(open, "overview", null, "{}").status()).isEqualTo(200);
    assertThat(open.post("/admin/login", "{}", null, null).body().path("insecure").asBoolean()).isTrue();

    RunningNode plain = RunningNode.start("{}");
    closeAfter.add(plain);
    ApiClient off = new ApiClient(plain.port(), RunningNode.API_KEY);
    assertThat(off.get("/").status()).isEqualTo(404);
    assertThat(off.get("/admin/app.js").status()).isEqualTo(404);
    assertThat(admin(off, "overview", null, "{}").status()).isEqualTo(404);
  }

  @Test
  void operationsGoThroughTheServerApi() {
    String token = login(http);
    // publish: lands in the channel's history as the server API would put it
    JsonNode published = adminOk("publish", token, "{\"channel\": \"chat:ops\", \"data\": {\"text\": \"from admin\"}}");
    assertThat(published.path("offset").asLong()).isEqualTo(1);
    JsonNode history = http.ok("history", "{\"channel\": \"chat:ops\", \"limit\": 10}");
    assertThat(history.path("publications").get(0).path("data").path("text").asText()).isEqualTo("from admin");
    // bad input is the server API's refusal
    ApiClient.Response noChannel = admin(http, "publish", token, "{\"data\": {}}");
    assertThat(noChannel.status()).isEqualTo(200);
    assertThat(noChannel.error().path("code").asInt()).isEqualTo(107);
    assertThat(admin(http, "no_such_op", token, "{}").error().path("code").asInt()).isEqualTo(104);
    assertThat(admin(http, "overview", token, "not json").status()).isEqualTo(400);

    // channels: busiest first, capped, with the total; a channel's facts in one answer
    List<RawClient> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) clients.add(subscribed("chat:busy", "busy-" + i));
    clients.add(subscribed("chat:quiet", "quiet"));
    clients.add(subscribed("live:ticker", "ticker"));
    clients.forEach(c -> closeAfter.add(c));
    JsonNode channels = Await.value("the channels are counted", Duration.ofSeconds(10), () -> {
      JsonNode r = adminOk("channels", token, "{\"pattern\": \"chat:*\", \"limit\": 1}");
      return r.path("total").asInt() == 2 ? r : null;
    });
    assertThat(channels.path("channels")).hasSize(1);
    assertThat(channels.path("channels").get(0).path("channel").asText()).isEqualTo("chat:busy");
    assertThat(channels.path("channels").get(0).path("subscribers").asInt()).isEqualTo(3);
    JsonNode busy = adminOk("channel", token, "{\"channel\": \"chat:busy\"}");
    assertThat(busy.path("subscribers").asInt()).isEqualTo(3);
    assertThat(busy.path("stream").path("offset").asLong()).isZero();
    assertThat(busy.path("presence").path("num_clients").asInt()).isEqualTo(3);
    JsonNode ticker = adminOk("channel", token, "{\"channel\": \"live:ticker\"}");
    assertThat(ticker.path("stream_error").path("code").asInt()).as("no history in that namespace").isEqualTo(108);
    assertThat(ticker.path("presence_error").path("code").asInt()).isEqualTo(108);
    assertThat(adminOk("presence", token, "{\"channel\": \"chat:busy\"}").path("presence")).hasSize(3);

    // disconnect: the user's connection is closed with the code the operator chose
    adminOk("disconnect", token, "{\"user\": \"quiet\", \"reconnect\": false}");
    assertThat(clients.get(3).awaitClose()).isEqualTo((short) 3503);
    adminOk("disconnect", token, "{\"user\": \"busy-0\", \"reconnect\": true}");
    assertThat(clients.get(0).awaitClose()).isEqualTo((short) 3011);
  }

  @Test
  void theOverviewSeriesCountsWhatHappenedAndOnlyWhatIsNew() {
    String token = login(http);
    RawClient client = subscribed("chat:series", "series");
    client.close();
    JsonNode samples = Await.value("the open and the close are sampled", Duration.ofSeconds(15), () -> {
      JsonNode s = adminOk("overview", token, "{}").path("nodes").get(0).path("samples");
      long opened = 0, closed = 0;
      for (JsonNode x : s) {
        opened += x.path("opened").asLong();
        closed += x.path("closed").asLong();
      }
      return opened >= 1 && closed >= 1 ? s : null;
    });
    long newest = samples.get(samples.size() - 1).path("t").asLong();
    for (JsonNode s : adminOk("overview", token, "{\"since\": " + newest + "}").path("nodes").get(0).path("samples")) {
      assertThat(s.path("t").asLong()).isGreaterThan(newest);
    }
    JsonNode n = adminOk("overview", token, "{}").path("nodes").get(0);
    assertThat(n.path("heap_max").asLong()).isPositive();
    assertThat(n.path("ready").asBoolean()).isTrue();
    assertThat(n.path("engine").asText()).isEqualTo("memory");
  }

  private RawClient subscribed(String channel, String user) {
    RawClient c = RawClient.connected(vertx, node.port(), node.token(user));
    JsonNode reply = c.call(2, "subscribe", "{\"channel\": \"" + channel + "\"}");
    assertThat(reply.has("subscribe")).as(reply.toString()).isTrue();
    return c;
  }

  private record RawResponse(int status, String head, String body) {
    String header(String name) {
      for (String line : head.split("\r\n")) {
        if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) return line.substring(name.length() + 1).trim();
      }
      return null;
    }
  }

  /** POST /admin/login from the loopback address {@code from} (the JDK 17 HTTP client cannot choose one). */
  private RawResponse rawLogin(String from, String password) throws IOException {
    String body = "{\"password\": \"" + password + "\"}";
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", node.port()), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /admin/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n"
          + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int split = text.indexOf("\r\n\r\n");
      String head = text.substring(0, split);
      return new RawResponse(Integer.parseInt(head.split(" ")[1]), head, text.substring(split + 4));
    }
  }
}
