package io.rebound.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.net.impl.VertxConnection;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The direct outbound path on the Vert.x in use: it is installed on a real accepted WebSocket, frames
 * still arrive whole and in order, and backpressure still works (a client that stops reading makes
 * {@code writeQueueFull()} true; reading again fires the drain handler and loses nothing).
 */
class DirectSocketWritesTest {

  private static final int FRAME_BYTES = 1024;

  private Vertx vertx;
  private HttpServer server;
  private WebSocketClient client;
  private final Promise<ServerWebSocket> accepted = Promise.promise();
  private volatile boolean installed;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer(new HttpServerOptions().setPort(0).setStrictThreadMode(true))
        .webSocketHandshakeHandler(ServerWebSocketHandshake::accept) // the 101 goes out before the swap, as in EdgeVerticle
        .webSocketHandler(ws -> {
          installed = DirectSocketWrites.install(ws);
          accepted.complete(ws);
        });
    await(server.listen());
    client = vertx.createWebSocketClient();
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  @Test
  void replacesTheMultiProducerQueueOfAnAcceptedWebSocket() throws Exception {
    assertThat(DirectSocketWrites.available()).isTrue();
    await(client.connect(server.actualPort(), "localhost", "/"));
    ServerWebSocket ws = await(accepted.future());
    assertThat(installed).isTrue();
    assertThat(outboundQueueOf(ws).getClass().getName()).endsWith("DirectOutboundMessageQueue");
  }

  @Test
  void framesArriveInOrderAndASlowReaderStillMeansWriteQueueFullThenDrain() throws Exception {
    List<Integer> received = new ArrayList<>();
    WebSocket socket = await(client.connect(server.actualPort(), "localhost", "/"));
    socket.pause(); // a reader that stopped reading: the server's writes pile up
    socket.textMessageHandler(text -> {
      synchronized (received) {
        received.add(Integer.parseInt(text.substring(0, text.indexOf(' '))));
      }
    });
    ServerWebSocket ws = await(accepted.future());
    assertThat(installed).isTrue();

    io.vertx.core.Context socketContext = serverContext(ws);
    AtomicInteger written = new AtomicInteger();
    Promise<Void> full = Promise.promise();
    Promise<Void> drained = Promise.promise();
    String padding = " " + "x".repeat(FRAME_BYTES);
    // Write on the socket's own loop until Netty's channel buffer passes its high water mark.
    Runnable writeUntilFull = new Runnable() {
      @Override
      public void run() {
        for (int i = 0; i < 256 && !ws.writeQueueFull(); i++) ws.writeTextMessage(written.getAndIncrement() + padding);
        if (ws.writeQueueFull()) {
          ws.drainHandler(v -> drained.tryComplete());
          full.complete();
        } else if (written.get() < 1_000_000) {
          socketContext.runOnContext(v -> run()); // let the loop flush what was written
        } else {
          full.fail("the queue never filled after " + written.get() + " frames");
        }
      }
    };
    socketContext.runOnContext(v -> writeUntilFull.run());
    await(full.future());

    socket.resume();
    await(drained.future());
    int total = written.get();
    Await.until("every written frame received", Duration.ofSeconds(30), () -> {
      synchronized (received) {
        return received.size() == total;
      }
    });
    synchronized (received) {
      for (int i = 0; i < total; i++) assertThat(received.get(i)).isEqualTo(i);
    }
  }

  private static io.vertx.core.Context serverContext(ServerWebSocket ws) throws Exception {
    Field conn = Class.forName("io.vertx.core.http.impl.WebSocketImplBase").getDeclaredField("conn");
    conn.setAccessible(true);
    return ((VertxConnection) conn.get(ws)).context();
  }

  private static Object outboundQueueOf(ServerWebSocket ws) throws Exception {
    Field conn = Class.forName("io.vertx.core.http.impl.WebSocketImplBase").getDeclaredField("conn");
    conn.setAccessible(true);
    Field queue = VertxConnection.class.getDeclaredField("outboundMessageQueue");
    queue.setAccessible(true);
    return queue.get(conn.get(ws));
  }

  private static <T> T await(Future<T> f) {
    return Await.result(f, 30);
  }
}
