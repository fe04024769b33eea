package io.rebound.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.Node;
import io.vertx.core.Vertx;
import java.util.Map;

/**
 * A real broker node ({@link RunningNode}) as a JUnit 5 extension, plus a Vert.x for the test's
 * clients, instead of copied {@code @BeforeAll}/{@code @AfterAll} blocks:
 *
 * <pre>{@code
 * class ChatIT {
 *   @RegisterExtension static final NodeExtension node = NodeExtension.of("""
 *       {"namespaces": [{"name": "chat", "allow_subscribe_for_client": true}]}""");
 *
 *   @Test void publicationReachesASubscriber() {
 *     try (RawClient c = node.connect("alice")) {   // a RawClient after its connect reply
 *       c.subscribe(2, "chat:x");
 *       node.publish("chat:x", 1);
 *       assertThat(c.push("chat:x", "pub").path("data").path("n").asInt()).isEqualTo(1);
 *     }
 *   }
 * }
 * }</pre>
 *
 * A static field gives the class one node, an instance field a new one per test (see {@link
 * ResourceExtension}). The config follows {@link RunningNode}'s rules (no {@code port}, secret or API
 * key). The node's accessors are repeated here so that a test reads {@code node.port()}; {@link
 * #running()} is the {@link RunningNode} itself. The clients' Vert.x ({@link #clients()}) is created
 * on first use and closed after the node.
 */
public final class NodeExtension extends ResourceExtension {

  private final String config;
  private RunningNode node;
  private Vertx clients;

  private NodeExtension(String config) {
    this.config = config;
  }

  /** A node started from {@code configJson} (see {@link RunningNode} for what it must not set). */
  public static NodeExtension of(String configJson) {
    return new NodeExtension(configJson);
  }

  @Override
  protected void start() {
    node = RunningNode.start(config);
  }

  @Override
  protected void stop() {
    try {
      if (node != null) node.close();
    } finally {
      node = null;
      if (clients != null) Await.result(clients.close(), 30);
      clients = null;
    }
  }

  /** The running node. */
  public RunningNode running() {
    requireRunning();
    return node;
  }

  /** The node's {@link Node}, for tests that reach inside it. */
  public Node node() {
    return running().node();
  }

  public int port() {
    return running().port();
  }

  public String wsUrl() {
    return running().wsUrl();
  }

  /** A connection token for {@code user}, valid for an hour. */
  public String token(String user) {
    return running().token(user);
  }

  /** A token with arbitrary claims, signed with the node's secret. */
  public String sign(Map<String, ?> claims) {
    return running().sign(claims);
  }

  /** The node's HTTP routes with its API key ({@code ok}, {@code metric}, {@code publishBatch}…). */
  public ApiClient http() {
    return running().http();
  }

  /** {@code POST /api/<method>}; the {@code result}, failing on an error. */
  public JsonNode api(String method, Map<String, ?> params) {
    return running().api(method, params);
  }

  /** {@code POST /api/<method>}: the whole reply. */
  public JsonNode apiRaw(String method, Map<String, ?> params) {
    return running().apiRaw(method, params);
  }

  /** Publishes {@code {"n": n}} to {@code channel}; returns the result ({@code offset}, {@code epoch}). */
  public JsonNode publish(String channel, int n) {
    return running().publish(channel, n);
  }

  /** A Vert.x for the test's clients (RawClient, SDK, TcpProxy): not the node's, closed after the node. */
  public Vertx clients() {
    requireRunning();
    if (clients == null) clients = Vertx.vertx();
    return clients;
  }

  /** A WebSocket to the node; no command sent yet. */
  public RawClient open() {
    return RawClient.open(clients(), port());
  }

  /** A WebSocket to the node with a small TCP receive buffer (see {@link RawClient#open(Vertx, int, int)}). */
  public RawClient open(int receiveBufferSize) {
    return RawClient.open(clients(), port(), receiveBufferSize);
  }

  /** A WebSocket to the node connected as {@code user} (returns after the connect reply). */
  public RawClient connect(String user) {
    return RawClient.connected(clients(), port(), token(user));
  }
}
