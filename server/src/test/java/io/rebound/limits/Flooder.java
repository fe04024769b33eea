package io.rebound.limits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.function.LongFunction;

/**
 * A client that sends commands as fast as the server answers them, keeping a fixed number in flight,
 * and only counts the replies (a recording client would hold 100,000 of them in the test's heap).
 * Its socket's callbacks run on one event loop; {@link #run} may be called from the test thread.
 */
final class Flooder implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebSocketClient client;
  private final WebSocket ws;
  private long nextId = 2;
  private Batch batch;

  /** The outcome of one {@link #run}: replies without and with an error, by code of the last error. */
  record Outcome(long ok, long errors, int lastErrorCode) {}

  private Flooder(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
  }

  /** Connects to the node on {@code port} with {@code token}. */
  static Flooder connect(Vertx vertx, int port, String token) {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(64 * 1024 * 1024));
    WebSocket ws = Await.result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/connection/websocket")));
    Flooder f = new Flooder(client, ws);
    Promise<Void> connected = Promise.promise();
    ws.textMessageHandler(text -> {
      for (String line : text.split("\n")) {
        if (line.isBlank()) continue;
        JsonNode reply;
        try {
          reply = JSON.readTree(line);
        } catch (Exception e) {
          throw new AssertionError("malformed line from the server: " + line, e);
        }
        if (reply.isEmpty()) ws.writeTextMessage("{}"); // ping
        else if (reply.path("id").asLong() == 1) connected.tryComplete();
        else if (f.batch != null && reply.has("id")) f.batch.replied(reply);
      }
    });
    ws.closeHandler(v -> {
      connected.tryFail("closed " + ws.closeStatusCode());
      if (f.batch != null) f.batch.done.tryFail("closed with " + ws.closeStatusCode() + " " + ws.closeReason());
    });
    ws.writeTextMessage("{\"id\":1,\"connect\":{\"token\":\"" + token + "\"}}");
    Await.result(connected.future(), 30);
    return f;
  }

  /**
   * Sends {@code total} commands, {@code perFrame} per frame, with at most {@code window} frames
   * unanswered; {@code command} builds the command with the given id. Completes when every one is answered.
   */
  Future<Outcome> run(long total, int perFrame, int window, LongFunction<String> command) {
    batch = new Batch(total, perFrame, command);
    for (int i = 0; i < window; i++) batch.sendFrame();
    return batch.done.future();
  }

  @Override
  public void close() {
    Await.result(client.close());
  }

  private final class Batch {
    final long total;
    final int perFrame;
    final LongFunction<String> command;
    final Promise<Outcome> done = Promise.promise();
    long sent;
    long ok;
    long errors;
    int lastErrorCode;

    Batch(long total, int perFrame, LongFunction<String> command) {
      this.total = total;
      this.perFrame = perFrame;
      this.command = command;
    }

    synchronized void sendFrame() {
      if (sent >= total) return;
      StringBuilder frame = new StringBuilder();
      for (int i = 0; i < perFrame && sent < total; i++, sent++) {
        if (frame.length() > 0) frame.append('\n');
        frame.append(command.apply(nextId++));
      }
      ws.writeTextMessage(frame.toString());
    }

    synchronized void replied(JsonNode reply) {
      if (reply.has("error")) {
        errors++;
        lastErrorCode = reply.path("error").path("code").asInt();
      } else {
        ok++;
      }
      // Every frame's worth of replies lets one more frame go: about a fixed window of frames in flight.
      if ((ok + errors) % perFrame == 0) sendFrame();
      if (ok + errors == total) done.tryComplete(new Outcome(ok, errors, lastErrorCode));
    }
  }
}
