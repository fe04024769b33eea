package io.rebound.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.Node;
import io.rebound.auth.JwtSigner;
import io.rebound.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A real broker node for black-box tests: started on a free port from a config JSON string (which
 * must not set {@code port}, {@code token_hmac_secret_key} or {@code api_key}: this class owns them),
 * with a small client for {@code POST /api/<method>} and a token signer for its secret.
 */
public final class RunningNode implements AutoCloseable {

  public static final String SECRET = "e2e-test-secret-that-is-long-enough";
  public static final String API_KEY = "e2e-api-key";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Node node;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final JwtSigner signer = new JwtSigner(SECRET);

  private RunningNode(Node node) {
    this.node = node;
  }

  /** Starts a node from {@code configJson} on a free port; fails the test if it does not start within 30s. */
  public static RunningNode start(String configJson) {
    return start(configJson, TestNode.freePort());
  }

  /** Starts a node on {@code port}: a node restarted where its clients reconnect to. */
  public static RunningNode start(String configJson, int port) {
    ObjectNode config;
    try {
      config = (ObjectNode) JSON.readTree(configJson);
    } catch (IOException e) {
      throw new IllegalArgumentException("bad test config: " + e.getMessage(), e);
    }
    config.put("port", port);
    config.put("token_hmac_secret_key", SECRET);
    config.put("api_key", API_KEY);
    return new RunningNode(Await.result(Node.start(ConfigLoader.parse(config.toString())), 30));
  }


  public int port() {
    return node.port();
  }

  /** The node itself, for tests that reach inside it (its Vert.x, its config). */
  public Node node() {
    return node;
  }

  /** The WebSocket endpoint the SDK connects to. */
  public String wsUrl() {
    return "ws://127.0.0.1:" + port() + "/connection/websocket";
  }

  /** A connection token for {@code user} valid for an hour. */
  public String token(String user) {
    return signer.connectionToken(user, 3600);
  }

  /** A token with arbitrary claims, signed with this node's secret. */
  public String sign(Map<String, ?> claims) {
    return signer.sign(claims);
  }

  /** {@code POST /api/<method>} with {@code params}; returns the {@code result}, failing on an API error. */
  public JsonNode api(String method, Map<String, ?> params) {
    JsonNode reply = apiRaw(method, params);
    if (reply.has("error")) throw new AssertionError("API " + method + " failed: " + reply.get("error"));
    return reply.path("result");
  }

  /** {@code POST /api/<method>}: the whole JSON reply ({@code result} or {@code error}). */
  public JsonNode apiRaw(String method, Map<String, ?> params) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/api/" + method))
          .timeout(Duration.ofSeconds(10))
          .header("X-API-Key", API_KEY)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(params)))
          .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("API " + method + " answered HTTP " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Publishes {@code {"n": n}} to {@code channel}; returns the publish result ({@code offset}, {@code epoch}). */
  public JsonNode publish(String channel, int n) {
    return api("publish", Map.of("channel", channel, "data", Map.of("n", n)));
  }

  @Override
  public void close() {
    Await.result(node.close(), 30);
  }
}
