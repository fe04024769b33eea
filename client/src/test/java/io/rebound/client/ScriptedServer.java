package io.rebound.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket server whose every reply is written by the test: each accepted connection is a {@link Conn} that
 * records the commands the client sent (frames split on {@code '\n'}) and sends exactly the frames the test gives.
 * For checking the client's wire behaviour (counting, resume, resends) independently of the broker.
 */
final class ScriptedServer implements AutoCloseable {

  private final HttpServer server;
  private final BlockingQueue<Conn> connections = new LinkedBlockingQueue<>();

  ScriptedServer(Vertx vertx) {
    server = vertx.createHttpServer().webSocketHandler(ws -> connections.add(new Conn(ws)));
    Await.result(server.listen(0, "127.0.0.1"));
  }

  String url() {
    return "ws://127.0.0.1:" + server.actualPort() + "/connection/websocket";
  }

  /** The next connection the client opens (waits up to 30 s). */
  Conn next() {
    try {
      Conn c = connections.poll(30, TimeUnit.SECONDS);
      if (c == null) throw new AssertionError("no connection within 30 s");
      return c;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Asserts that no connection arrives within {@code ms}. */
  void assertNoConnection(long ms) {
    try {
      Conn c = connections.poll(ms, TimeUnit.MILLISECONDS);
      if (c != null) throw new AssertionError("unexpected connection");
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    Await.result(server.close());
  }

  static final class Conn {
    private final ServerWebSocket ws;
    private final BlockingQueue<JsonNode> commands = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    Conn(ServerWebSocket ws) {
      this.ws = ws;
      ws.textMessageHandler(frame -> {
        for (String line : frame.split("\n")) {
          if (line.isBlank()) continue;
          try {
            commands.add(Wire.parse(line));
          } catch (Exception e) {
            throw new AssertionError("client sent malformed JSON: " + line, e);
          }
        }
      });
      ws.closeHandler(v -> closed = true);
    }

    /** The next command; fails unless it carries {@code method}. */
    JsonNode expect(String method) {
      JsonNode c = poll(30_000);
      if (c == null) throw new AssertionError("no " + method + " command within 30 s");
      if (!c.has(method)) throw new AssertionError("expected " + method + ", got " + c);
      return c;
    }

    /** The next command, or null after {@code ms}. */
    JsonNode poll(long ms) {
      try {
        return commands.poll(ms, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }

    /** Sends one frame: the lines joined by {@code '\n'}. */
    void send(String... lines) {
      Await.result(ws.writeTextMessage(String.join("\n", lines)));
    }

    /** Sends one frame without waiting for the write (callable from an event loop, e.g. a periodic timer). */
    void sendNow(String... lines) {
      ws.writeTextMessage(String.join("\n", lines));
    }

    void close(int code, String reason) {
      Await.result(ws.close((short) code, reason));
    }

    boolean closed() {
      return closed;
    }

    Short closeCode() {
      return ws.closeStatusCode();
    }
  }
}
