package io.rebound.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.protocol.Disconnect;
import io.rebound.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The frame path on real sockets: one buffer shared by several connections reaches each of them
 * whole (frames wrap the buffer's own bytes, Vert.x internals), and a view of a socket from another
 * event loop — a resumed session's — writes, closes and receives through the socket's own loop, with
 * completions and inbound frames delivered on the viewing loop.
 */
class WebSocketTransportTest {

  private Vertx vertx;
  private HttpServer server;
  // Held: Vert.x closes a WebSocketClient nobody references, and a GC during a handshake then kills it.
  private WebSocketClient client;
  private final List<Promise<Accepted>> accepted = new CopyOnWriteArrayList<>();

  /** A server-side socket and the event loop it lives on. */
  private record Accepted(WebSocketTransport transport, Context loop) {}

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    for (int i = 0; i < 2; i++) accepted.add(Promise.promise());
    server = vertx.createHttpServer(new HttpServerOptions().setPort(0).setStrictThreadMode(true))
        .webSocketHandshakeHandler(ServerWebSocketHandshake::accept)
        .webSocketHandler(ws -> {
          DirectSocketWrites.install(ws);
          Context loop = vertx.getOrCreateContext();
          Accepted a = new Accepted(new WebSocketTransport(ws, loop, false), loop);
          for (Promise<Accepted> p : accepted) if (p.tryComplete(a)) break;
        });
    Await.result(server.listen());
    // Frames past 64 KiB are allowed: the test writes one of each length encoding.
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  private WebSocket connect(List<String> received) {
    WebSocket ws = Await.result(client.connect(server.actualPort(), "localhost", "/"));
    ws.textMessageHandler(received::add);
    return ws;
  }

  @Test
  void oneBufferWrittenToTwoConnectionsArrivesWholeAtBoth() {
    List<String> first = new CopyOnWriteArrayList<>();
    List<String> second = new CopyOnWriteArrayList<>();
    connect(first);
    connect(second);
    Accepted a = Await.result(accepted.get(0).future());
    Accepted b = Await.result(accepted.get(1).future());
    Buffer shared = Buffer.buffer("{\"push\":{\"channel\":\"c\",\"pub\":{\"data\":\"żółw\"}}}");
    a.loop().runOnContext(v -> a.transport().write(shared, () -> { }));
    b.loop().runOnContext(v -> b.transport().write(shared, () -> { }));
    a.loop().runOnContext(v -> a.transport().write(shared, () -> { }));
    Await.until("frames at both", Duration.ofSeconds(10), () -> first.size() == 2 && second.size() == 1);
    assertThat(first).containsOnly(shared.toString());
    assertThat(second).containsExactly(shared.toString());
    assertThat(shared.toString()).contains("żółw"); // the shared buffer itself is untouched
  }

  @Test
  void framesOfEveryLengthEncodingArriveWholeAndAWriteRacingACloseCompletes() {
    List<String> received = new CopyOnWriteArrayList<>();
    WebSocket peer = connect(received);
    Promise<Void> peerClosed = Promise.promise();
    peer.closeHandler(v -> peerClosed.tryComplete());
    Accepted a = Await.result(accepted.get(0).future());
    List<String> sent = List.of("a", "b".repeat(125), "c".repeat(126), "d".repeat(65_535), "e".repeat(65_536) + "ż");
    for (String text : sent) a.loop().runOnContext(v -> a.transport().write(Buffer.buffer(text), () -> { }));
    Await.until("every frame", Duration.ofSeconds(10), () -> received.size() == sent.size());
    assertThat(received).containsExactlyElementsOf(sent);

    // A write racing a close still completes (the outbound path's in-flight count must come down), as with Vert.x's writeFrame.
    Promise<Void> completed = Promise.promise();
    a.loop().runOnContext(v -> {
      a.transport().close(Disconnect.SHUTDOWN);
      a.transport().write(Buffer.buffer("after the close"), completed::complete);
    });
    Await.result(completed.future());
    Await.result(peerClosed.future());
    assertThat(peer.closeStatusCode()).isEqualTo((short) Disconnect.SHUTDOWN.code());
  }

  /**
   * The outbound path's backpressure rests on write completions: a write counts as done at once while Netty can take
   * more, and only once its bytes have left when the peer lags. A peer that stops reading must hold completions
   * back (or Outbound would queue without bound), and every held one must run once it reads again.
   */
  @Test
  void aPeerThatStopsReadingHoldsCompletionsUntilItReadsAgain() {
    AtomicInteger frames = new AtomicInteger();
    WebSocket peer = Await.result(client.connect(server.actualPort(), "localhost", "/"));
    peer.frameHandler(f -> { if (f.isFinal()) frames.incrementAndGet(); });
    peer.pause();
    Accepted a = Await.result(accepted.get(0).future());
    Buffer frame = Buffer.buffer("x".repeat(64 * 1024));
    AtomicInteger written = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    Promise<Integer> lagging = Promise.promise();
    a.loop().runOnContext(v -> writeUntilHeld(a.transport(), frame, written, done, lagging, 4_000));
    int held = Await.result(lagging.future());
    assertThat(held).as("a write was held back while the peer did not read").isLessThan(4_000);
    assertThat(done.get()).isLessThan(written.get());

    peer.fetch(Long.MAX_VALUE);
    Await.until("every completion after the peer read again", Duration.ofSeconds(30), () -> done.get() == written.get());
    Await.until("every frame at the peer", Duration.ofSeconds(30), () -> frames.get() == written.get());
  }

  /** Writes frames back to back, each once the previous one counted as done, until one is held; completes {@code lagging}. */
  private static void writeUntilHeld(Transport transport, Buffer frame, AtomicInteger written, AtomicInteger done, Promise<Integer> lagging, int max) {
    while (written.get() < max) {
      written.incrementAndGet();
      transport.write(frame, done::incrementAndGet);
      if (done.get() < written.get()) break;
    }
    lagging.complete(written.get());
  }

  @Test
  void aViewFromAnotherLoopWritesReceivesAndClosesThroughTheSocketsLoop() {
    List<String> received = new CopyOnWriteArrayList<>();
    WebSocket peer = connect(received);
    Promise<Short> closed = Promise.promise();
    peer.closeHandler(v -> closed.tryComplete(peer.closeStatusCode()));
    Accepted accept = Await.result(accepted.get(0).future());
    WebSocketTransport socket = accept.transport();
    Context socketLoop = accept.loop();
    Context home = vertx.getOrCreateContext(); // another event loop, as a resumed session's home edge
    assertThat(home).isNotSameAs(socketLoop);
    Transport moved = socket.movedTo(home);

    Promise<Context> written = Promise.promise();
    home.runOnContext(v -> moved.write(Buffer.buffer("{\"id\":1}"), () -> written.complete(Vertx.currentContext())));
    assertThat(Await.result(written.future())).isSameAs(home);
    Await.until("the frame", Duration.ofSeconds(10), () -> received.contains("{\"id\":1}"));

    Promise<Object[]> inbound = Promise.promise();
    Promise<Void> bound = Promise.promise();
    socketLoop.runOnContext(v -> { // handlers are set on the socket's own loop, as a resume hand-over does
      moved.bind(new Transport.Inbound() {
        @Override public void onText(Transport from, String text) { inbound.tryComplete(new Object[] {from, text, Vertx.currentContext()}); }
        @Override public void onBinary(Transport from, Buffer data) { }
        @Override public void onClosed(Transport from) { }
        @Override public void onOversized(Transport from) { }
        @Override public void onError(Transport from, Throwable cause) { }
      });
      bound.complete();
    });
    Await.result(bound.future());
    peer.writeTextMessage("{}");
    Object[] event = Await.result(inbound.future());
    assertThat(event[0]).isSameAs(moved);
    assertThat(event[1]).isEqualTo("{}");
    assertThat(event[2]).isSameAs(home);

    home.runOnContext(v -> moved.close(Disconnect.RESUMED_ELSEWHERE));
    assertThat(Await.result(closed.future())).isEqualTo((short) Disconnect.RESUMED_ELSEWHERE.code());
  }
}
