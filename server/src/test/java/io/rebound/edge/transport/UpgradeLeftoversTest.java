package io.rebound.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.lang.ref.WeakReference;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On the Vert.x in use, a released WebSocket no longer holds its HTTP/1 handshake (the handshake object,
 * and through it the upgrade request and the HTTP connection, can be collected), answers empty headers,
 * the caller's path instance and no authority, and still works: frames both ways, the client's close code.
 */
class UpgradeLeftoversTest {

  private static final String PATH = "/connection/websocket";

  private Vertx vertx;
  private HttpServer server;
  private WebSocketClient client;
  private final Promise<ServerWebSocket> accepted = Promise.promise();
  private final Promise<Short> closedWith = Promise.promise();
  private volatile WeakReference<Object> handshake;
  private volatile boolean released;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer(new HttpServerOptions().setPort(0).setStrictThreadMode(true))
        .webSocketHandshakeHandler(hs -> {
          handshake = new WeakReference<>(hs); // only weakly: the test must not keep it alive itself
          hs.accept();
        })
        .webSocketHandler(ws -> {
          DirectSocketWrites.install(ws); // as EdgeVerticle does, before the release
          String subprotocolHeaderRead = ws.headers().get("Sec-WebSocket-Version"); // what a session reads first
          assertThat(subprotocolHeaderRead).isEqualTo("13");
          released = UpgradeLeftovers.release(ws, new String(PATH)); // an equal instance, not the literal
          ws.textMessageHandler(text -> ws.writeTextMessage("echo " + text));
          ws.closeHandler(v -> closedWith.tryComplete(ws.closeStatusCode()));
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
  void theHandshakeCanBeCollectedOnceReleased() {
    assertThat(UpgradeLeftovers.available()).isTrue();
    WebSocket socket = await(client.connect(server.actualPort(), "localhost", PATH));
    await(accepted.future());
    assertThat(released).isTrue();
    Await.until("the handshake, its request and HTTP connection are collected", Duration.ofSeconds(30), () -> {
      System.gc();
      return handshake.get() == null;
    });
    assertThat(socket.isClosed()).isFalse();
  }

  @Test
  void aReleasedSocketAnswersNoHeadersTheSharedPathAndNoAuthority() {
    await(client.connect(server.actualPort(), "localhost", PATH));
    ServerWebSocket ws = await(accepted.future());
    assertThat(released).isTrue();
    assertThat(ws.headers()).isSameAs(UpgradeLeftovers.NO_HEADERS).isEmpty();
    assertThat(ws.path()).isEqualTo(PATH);
    assertThat(ws.uri()).isEqualTo(PATH);
    assertThat(ws.authority()).isNull();
    assertThat(ws.query()).isNull();
  }

  @Test
  void aReleasedSocketStillCarriesFramesBothWaysAndTheClientsCloseCode() {
    WebSocket socket = await(client.connect(new WebSocketConnectOptions().setPort(server.actualPort()).setHost("localhost").setURI(PATH + "?format=json")));
    Promise<String> answer = Promise.promise();
    socket.textMessageHandler(answer::tryComplete);
    ServerWebSocket ws = await(accepted.future());
    assertThat(released).isTrue();
    assertThat(ws.query()).isEqualTo("format=json"); // not the endpoint's path: kept as it was
    assertThat(ws.path()).isEqualTo(PATH);
    await(socket.writeTextMessage("hello"));
    assertThat(await(answer.future())).isEqualTo("echo hello");
    await(socket.close((short) 4001, "bye"));
    assertThat(await(closedWith.future())).isEqualTo((short) 4001);
  }

  private static <T> T await(Future<T> f) {
    return Await.result(f, 30);
  }
}
