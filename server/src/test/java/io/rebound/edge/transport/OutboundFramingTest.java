package io.rebound.edge.transport;

import io.rebound.codec.json.JsonCodec;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How an {@link Outbound} cuts its queue into WebSocket frames, seen by a real client: messages queued
 * in one event-loop pass leave as one newline-delimited frame, except a ping, which is always a frame
 * of its own (clients that answer only a frame that is exactly {@code {}} must still pong under load).
 */
class OutboundFramingTest {

  private static final Buffer PING = JsonCodec.INSTANCE.ping();

  private Vertx vertx;
  private HttpServer server;
  private final Promise<ServerWebSocket> accepted = Promise.promise();
  private final List<String> frames = new CopyOnWriteArrayList<>();
  private Outbound out;
  private Context socketContext;
  // Held in a field: Vert.x closes a WebSocketClient that nothing references (CleanableWebSocketClient),
  // and a GC while the handshake is in flight then fails it with "Connection closed while handshake
  // in process" — the cold-JVM failure this test had (WebSocketTransportTest failed so every time).
  private WebSocketClient webSocketClient;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer(new HttpServerOptions().setPort(0).setStrictThreadMode(true))
        // As EdgeVerticle does: accept first, so the 101 has gone out through Vert.x's own queue before
        // DirectSocketWrites swaps it (swapping it under a pending handshake broke the first handshake of a cold JVM).
        .webSocketHandshakeHandler(ServerWebSocketHandshake::accept)
        .webSocketHandler(ws -> {
          DirectSocketWrites.install(ws);
          Context context = vertx.getOrCreateContext();
          Transport transport = new WebSocketTransport(ws, context, false);
          out = new Outbound(transport, new FlushScheduler(context, Duration.ZERO), JsonCodec.INSTANCE, 1 << 20, () -> { }, null, null);
          socketContext = context;
          accepted.complete(ws);
        });
    Await.result(server.listen());
    webSocketClient = vertx.createWebSocketClient();
    WebSocket client = Await.result(webSocketClient.connect(server.actualPort(), "localhost", "/"));
    client.textMessageHandler(frames::add);
    Await.result(accepted.future());
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  private void sendInOnePass(Buffer... messages) {
    socketContext.runOnContext(v -> {
      for (Buffer m : messages) out.send(m);
    });
  }

  @Test
  void messagesOfOnePassShareAFrame() {
    sendInOnePass(Buffer.buffer("{\"a\":1}"), Buffer.buffer("{\"b\":2}"), Buffer.buffer("{\"c\":3}"));
    Await.until("one frame", Duration.ofSeconds(10), () -> !frames.isEmpty());
    assertThat(frames).containsExactly("{\"a\":1}\n{\"b\":2}\n{\"c\":3}");
  }

  @Test
  void aPingIsAlwaysAFrameOfItsOwn() {
    sendInOnePass(Buffer.buffer("{\"a\":1}"), Buffer.buffer("{\"b\":2}"), PING, Buffer.buffer("{\"c\":3}"));
    Await.until("three frames", Duration.ofSeconds(10), () -> frames.size() >= 3);
    assertThat(frames).containsExactly("{\"a\":1}\n{\"b\":2}", "{}", "{\"c\":3}");

    frames.clear();
    sendInOnePass(PING, Buffer.buffer("{\"d\":4}"), PING);
    Await.until("three more frames", Duration.ofSeconds(10), () -> frames.size() >= 3);
    assertThat(frames).containsExactly("{}", "{\"d\":4}", "{}");
  }
}
