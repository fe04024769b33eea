package io.rebound.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A plain protocol-level WebSocket client for tests: sends raw frames to
 * {@code ws://127.0.0.1:port/connection/websocket}, records every received message split on
 * {@code '\n'} as parsed JSON, and waits on conditions (a reply with id N, a push, the close code)
 * instead of sleeping. Server pings ({@code {}}) are counted and, unless disabled, answered with a
 * pong {@code {}} as the SDK does when the connect result says {@code pong: true}.
 */
public final class RawClient implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final WebSocketClient client;
  private final WebSocket ws;
  private final Object lock = new Object();
  private final List<JsonNode> received = new ArrayList<>();
  private final List<Integer> lengths = new ArrayList<>(); // parallel to received: bytes of each message as sent
  private volatile boolean autoPong = true;
  private int pings;
  private boolean closed;
  private Short closeCode;
  private String closeReason;

  private RawClient(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
  }

  /** Opens a WebSocket to the node on {@code port}; no command is sent yet. */
  public static RawClient open(Vertx vertx, int port) {
    return open(vertx, port, 0);
  }

  /**
   * Opens a WebSocket to {@code port} (a node, or a {@link TcpProxy} in front of one) with the TCP
   * receive buffer set to {@code receiveBufferSize} bytes (0: the system default); a small one makes
   * a {@link #pause()}d client push back on the server after a few kilobytes.
   */
  public static RawClient open(Vertx vertx, int port, int receiveBufferSize) {
    WebSocketClientOptions options = new WebSocketClientOptions()
        .setMaxMessageSize(256 * 1024 * 1024)
        .setMaxFrameSize(16 * 1024 * 1024)
        .setTryUsePerMessageCompression(false)
        .setTryUsePerFrameCompression(false);
    if (receiveBufferSize > 0) options.setReceiveBufferSize(receiveBufferSize);
    WebSocketClient client = vertx.createWebSocketClient(options);
    WebSocket ws = Await.result(client.connect(new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(port).setURI("/connection/websocket")));
    RawClient raw = new RawClient(client, ws);
    ws.textMessageHandler(raw::onMessage);
    ws.closeHandler(v -> raw.onClose(ws.closeStatusCode(), ws.closeReason()));
    ws.exceptionHandler(e -> { });
    return raw;
  }

  /** Opens and connects with {@code token} (null for none); returns after the connect reply. */
  public static RawClient connected(Vertx vertx, int port, String token) {
    RawClient c = open(vertx, port);
    JsonNode reply = c.call(1, "connect", token == null ? "{}" : "{\"token\":\"" + token + "\"}");
    if (!reply.has("connect")) throw new AssertionError("connect failed: " + reply);
    return c;
  }

  private void onMessage(String text) {
    boolean ping = false;
    synchronized (lock) {
      for (String line : text.split("\n")) {
        if (line.isBlank()) continue;
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (Exception e) {
          throw new AssertionError("server sent malformed JSON line: " + line, e);
        }
        if (node.isObject() && node.isEmpty()) {
          pings++;
          ping = true;
        } else {
          received.add(node);
          lengths.add(line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }
      }
      lock.notifyAll();
    }
    if (ping && autoPong) ws.writeTextMessage("{}");
  }

  private void onClose(Short code, String reason) {
    synchronized (lock) {
      closed = true;
      closeCode = code;
      closeReason = reason;
      lock.notifyAll();
    }
  }

  /** Sends one text frame exactly as given. */
  public void send(String frame) {
    Await.result(ws.writeTextMessage(frame));
  }

  /** Sends {@code {"id":id,"<method>":<params>}} and waits for the reply with that id. */
  public JsonNode call(long id, String method, String paramsJson) {
    send("{\"id\":" + id + ",\"" + method + "\":" + paramsJson + "}");
    return reply(id);
  }

  /**
   * Sends {@code {"id":id,"subscribe":{"channel":channel}}}; returns the subscribe result, failing the
   * test when the reply is anything else (an error, another id).
   */
  public JsonNode subscribe(long id, String channel) {
    JsonNode reply = call(id, "subscribe", "{\"channel\":\"" + channel + "\"}");
    if (!reply.has("subscribe")) throw new AssertionError("subscribe to " + channel + " failed: " + reply);
    return reply.path("subscribe");
  }

  /** Whether {@code message} is a push on {@code channel} whose push has the field {@code kind} (pub, join, unsubscribe…). */
  public static boolean isPush(JsonNode message, String channel, String kind) {
    return message.has("push") && channel.equals(message.path("push").path("channel").asText()) && message.path("push").has(kind);
  }

  /** The offsets of the publication pushes on {@code channel} among {@code messages}, in arrival order. */
  public static List<Long> pubOffsets(List<JsonNode> messages, String channel) {
    List<Long> out = new ArrayList<>();
    for (JsonNode m : messages) if (isPush(m, channel, "pub")) out.add(m.path("push").path("pub").path("offset").asLong());
    return out;
  }

  /** The offsets of the publication pushes on {@code channel} received so far, in arrival order. */
  public List<Long> pubOffsets(String channel) {
    return pubOffsets(received(), channel);
  }

  /** Whether pings are answered with a pong (default true). */
  public RawClient autoPong(boolean on) {
    autoPong = on;
    return this;
  }

  /** Waits for the reply with {@code id}. */
  public JsonNode reply(long id) {
    return await("reply id=" + id, n -> n.path("id").asLong(-1) == id);
  }

  /** Waits for a push on {@code channel} whose push has the field {@code kind} (pub, join, leave, unsubscribe…). */
  public JsonNode push(String channel, String kind) {
    return await("push " + kind + " on " + channel, n -> isPush(n, channel, kind)).path("push").path(kind);
  }

  /** Waits until the messages received satisfy {@code count} messages matching {@code filter}; returns them. */
  public List<JsonNode> awaitCount(String what, int count, Predicate<JsonNode> filter) {
    return awaitCount(what, count, filter, WAIT);
  }

  public List<JsonNode> awaitCount(String what, int count, Predicate<JsonNode> filter, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (true) {
        List<JsonNode> matching = new ArrayList<>();
        for (JsonNode n : received) if (filter.test(n)) matching.add(n);
        if (matching.size() >= count) return matching;
        waitUntil(deadline, what + " (have " + matching.size() + "/" + count + ")");
      }
    }
  }

  /** Waits for the first received message matching {@code filter}. */
  public JsonNode await(String what, Predicate<JsonNode> filter) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    synchronized (lock) {
      while (true) {
        for (JsonNode n : received) if (filter.test(n)) return n;
        waitUntil(deadline, what);
      }
    }
  }

  /** Waits until the server has sent at least {@code n} pings. */
  public void awaitPings(int n, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (pings < n) {
        if (closed) throw new AssertionError("closed (" + closeCode + " " + closeReason + ") after " + pings + " pings");
        waitUntil(deadline, n + " pings (have " + pings + ")");
      }
    }
  }

  /** Waits for the socket to close; returns the close code (null when the close frame had none). */
  public Short awaitClose() {
    return awaitClose(WAIT);
  }

  public Short awaitClose(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!closed) waitUntil(deadline, "connection close");
      return closeCode;
    }
  }

  public String closeReason() {
    synchronized (lock) {
      return closeReason;
    }
  }

  public boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  public int pings() {
    synchronized (lock) {
      return pings;
    }
  }

  /** A snapshot of every non-ping message received so far. */
  public List<JsonNode> received() {
    synchronized (lock) {
      return new ArrayList<>(received);
    }
  }

  /**
   * Number of non-ping messages received so far (every newline-separated message counts one). After
   * a connect reply, what a session-resuming client reports as {@code received} is this minus the
   * connect replies it got (docs/EXTENSIONS.md §2).
   */
  public int count() {
    synchronized (lock) {
      return received.size();
    }
  }

  /** Byte length of the {@code index}-th non-ping message, exactly as the server wrote it. */
  public int length(int index) {
    synchronized (lock) {
      return lengths.get(index);
    }
  }

  /** Stops reading from the socket (TCP backpressure reaches the server). */
  public void pause() {
    ws.pause();
  }

  /** Reads from the socket again after {@link #pause()}. */
  public void resumeReading() {
    ws.resume();
  }

  /** Closes the WebSocket with {@code code} (1000: a goodbye; anything else: the client may come back). */
  public void close(short code) {
    if (!isClosed()) Await.result(ws.close(code, "test"));
    client.close();
  }

  private void waitUntil(long deadline, String what) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new AssertionError("timed out waiting for " + what + "; closed=" + closed + " code=" + closeCode
          + " received=" + received);
    }
    try {
      lock.wait(Math.max(1, left / 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (!isClosed()) ws.close();
    client.close();
  }
}
