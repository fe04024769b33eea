package io.rebound.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.Node;
import io.rebound.auth.JwtSigner;
import io.rebound.config.ConfigLoader;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The one way tests start a real broker node in this JVM: from a config JSON string on a free (or a
 * given) port, with a known token secret and API key, plus the small clients a black-box test needs —
 * {@code POST /api/<method>} ({@link #api}, {@link #http()}) and connection tokens ({@link #token}).
 *
 * <p>The config must not set {@code port}, {@code token_hmac_secret_key} or {@code api_key}: this
 * class owns them ({@link #SECRET}, {@link #API_KEY}) so that every test signs and calls the same
 * way. A class that needs one node for all its tests registers a {@link NodeExtension} instead of
 * starting and closing one itself:
 *
 * <pre>{@code
 * RunningNode node = RunningNode.start("""
 *     {"namespaces": [{"name": "chat", "allow_subscribe_for_client": true}]}""");
 * try (node) {
 *   node.publish("chat:x", 1);
 * }
 * }</pre>
 */
public final class RunningNode implements AutoCloseable {

  public static final String SECRET = "e2e-test-secret-that-is-long-enough";
  public static final String API_KEY = "e2e-api-key";
  private static final List<String> OWNED_KEYS = List.of("port", "token_hmac_secret_key", "api_key");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JwtSigner SIGNER = new JwtSigner(SECRET);

  private final Node node;
  private final ApiClient http;
  private boolean closed;

  private RunningNode(Node node) {
    this.node = node;
    this.http = new ApiClient(node.port(), API_KEY);
  }

  /** Starts a node from {@code configJson} on a free port; fails the test if it does not start within 30s. */
  public static RunningNode start(String configJson) {
    return start(configJson, Ports.free());
  }

  /** Starts a node on {@code port}: a node restarted where its clients reconnect to. */
  public static RunningNode start(String configJson, int port) {
    return new RunningNode(Await.result(Node.start(ConfigLoader.parse(config(configJson, port))), 30));
  }

  /**
   * Starts a node on an existing Vert.x instance (a clustered one of a {@link HazelcastTestCluster}),
   * on a free port. Closing the node leaves that Vert.x running: its owner closes it.
   */
  public static RunningNode startOn(Vertx vertx, String configJson) {
    return new RunningNode(Await.result(Node.start(ConfigLoader.parse(config(configJson, Ports.free())), vertx, false), 60));
  }

  private static String config(String configJson, int port) {
    ObjectNode config;
    try {
      config = (ObjectNode) JSON.readTree(configJson);
    } catch (IOException | ClassCastException e) {
      throw new IllegalArgumentException("bad test config (a JSON object expected): " + e.getMessage(), e);
    }
    for (String key : OWNED_KEYS) {
      if (config.has(key)) throw new IllegalArgumentException("test config sets \"" + key + "\": RunningNode owns it");
    }
    config.put("port", port);
    config.put("token_hmac_secret_key", SECRET);
    config.put("api_key", API_KEY);
    return config.toString();
  }

  public int port() {
    return node.port();
  }

  /** The node itself, for tests that reach inside it (its Vert.x, its config). */
  public Node node() {
    return node;
  }

  /** The WebSocket endpoint clients connect to. */
  public String wsUrl() {
    return "ws://127.0.0.1:" + port() + "/connection/websocket";
  }

  /** A connection token for {@code user} valid for an hour. */
  public String token(String user) {
    return SIGNER.connectionToken(user, 3600);
  }

  /** A token with arbitrary claims, signed with the nodes' secret. */
  public String sign(Map<String, ?> claims) {
    return SIGNER.sign(claims);
  }

  /** The node's HTTP routes ({@code /api}, {@code /health}, {@code /metrics}) with the API key. */
  public ApiClient http() {
    return http;
  }

  /** {@code POST /api/<method>} with {@code params}; returns the {@code result}, failing on an API error. */
  public JsonNode api(String method, Map<String, ?> params) {
    JsonNode reply = apiRaw(method, params);
    if (reply.has("error")) throw new AssertionError("API " + method + " failed: " + reply.get("error"));
    return reply.path("result");
  }

  /** {@code POST /api/<method>}: the whole JSON reply ({@code result} or {@code error}), failing on an HTTP error. */
  public JsonNode apiRaw(String method, Map<String, ?> params) {
    String body;
    try {
      body = JSON.writeValueAsString(params);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
    ApiClient.Response response = http.call(method, body);
    if (response.status() != 200 || response.body() == null) {
      throw new AssertionError("API " + method + " answered HTTP " + response.status() + ": " + response.text());
    }
    return response.body();
  }

  /** Publishes {@code {"n": n}} to {@code channel}; returns the publish result ({@code offset}, {@code epoch}). */
  public JsonNode publish(String channel, int n) {
    return api("publish", Map.of("channel", channel, "data", Map.of("n", n)));
  }

  /** Closes the node (a second call does nothing, so a test may close a node its {@link Closer} closes again). */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    Await.result(node.close(), 30);
  }
}
