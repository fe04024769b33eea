package io.rebound.edge.http;

import io.rebound.codec.Result;
import io.rebound.codec.json.UniJsonCodec;
import io.rebound.edge.transport.Transport;
import io.rebound.edge.transport.WebSocketTransport;
import io.rebound.protocol.Disconnect;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /connection/uni_websocket}: a WebSocket used one way, as Centrifugo's unidirectional
 * WebSocket. The client's connect request is its first message (or the {@code cf_connect} query
 * parameter); later messages are ignored. Every push is a text frame of its own (a plain client
 * parses each frame as one JSON value), the connect result is a {@code {"connect":…}} push and the
 * server's ping is {@code {}}, which nobody answers: with it goes a WebSocket ping frame, whose
 * automatic pong proves the client alive — a ping left unanswered until the next one closes the
 * connection with 3012. A server disconnect is the close frame's code and reason.
 *
 * <p>A view from one session loop like {@link WebSocketTransport}, which does the writing and the
 * hopping between loops. Immutable; the per-connection state is shared by the views.
 */
final class UniWebSocketTransport implements Transport {

  private static final Logger LOG = LoggerFactory.getLogger(UniWebSocketTransport.class);

  /** What every view of the connection shares. */
  private static final class Socket {
    final ServerWebSocket ws;
    final Context socketContext;
    final int connectLimit;
    final AtomicBoolean connectTaken = new AtomicBoolean();
    volatile UniWebSocketTransport boundView; // the view bound last, with its session
    volatile Inbound boundInbound;
    // Socket loop only.
    long lastPingAt;
    long lastPongAt;

    Socket(ServerWebSocket ws, Context socketContext, int connectLimit) {
      this.ws = ws;
      this.socketContext = socketContext;
      this.connectLimit = connectLimit;
      ws.pongHandler(data -> lastPongAt = System.nanoTime());
    }
  }

  private final Socket socket;
  private final Transport frames;
  private final Context sessionContext;

  private UniWebSocketTransport(Socket socket, Transport frames, Context sessionContext) {
    this.socket = socket;
    this.frames = frames;
    this.sessionContext = sessionContext;
  }

  /** A view of {@code ws} from its own loop; {@code connectLimit} bounds the connect message ({@code uni_websocket_message_size_limit}). */
  static UniWebSocketTransport on(ServerWebSocket ws, Context socketContext, int connectLimit) {
    return new UniWebSocketTransport(new Socket(ws, socketContext, connectLimit), new WebSocketTransport(ws, socketContext, false), socketContext);
  }

  @Override
  public String name() {
    return "uni_websocket";
  }

  @Override
  public boolean unidirectional() {
    return true;
  }

  @Override
  public Result.Connect connectResult(Result.Connect result) {
    return result.forTransport(result.session(), null, false);
  }

  /** Every message of a joined frame as a frame of its own; the ping also as a WebSocket ping. */
  @Override
  public void write(Buffer frame, Runnable done) {
    if (frame == UniJsonCodec.INSTANCE.ping()) socket.socketContext.runOnContext(v -> framePing());
    List<Buffer> messages = split(frame);
    if (messages.size() == 1) {
      frames.write(frame, done);
      return;
    }
    int[] left = {messages.size()};
    for (Buffer m : messages) frames.write(m, () -> {
      if (--left[0] == 0) done.run(); // completions come back on this view's session loop, one at a time
    });
  }

  private static List<Buffer> split(Buffer frame) {
    List<Buffer> out = new ArrayList<>(1);
    int start = 0;
    for (int i = 0; i < frame.length(); i++) {
      if (frame.getByte(i) != '\n') continue;
      if (i > start) out.add(frame.slice(start, i));
      start = i + 1;
    }
    if (start == 0) out.add(frame);
    else if (start < frame.length()) out.add(frame.slice(start, frame.length()));
    return out;
  }

  /** On the socket loop: the last ping frame went unanswered → 3012; else a new one. */
  private void framePing() {
    if (socket.ws.isClosed()) return;
    if (socket.lastPingAt != 0 && socket.lastPongAt < socket.lastPingAt) {
      socket.ws.close((short) Disconnect.NO_PONG.code(), Disconnect.NO_PONG.reason());
      return;
    }
    socket.lastPingAt = System.nanoTime();
    socket.ws.writePing(Buffer.buffer());
  }

  @Override
  public void close(Disconnect reason) {
    frames.close(reason);
  }

  @Override
  public boolean isClosed() {
    return frames.isClosed();
  }

  @Override
  public int closeCode() {
    return frames.closeCode();
  }

  @Override
  public String remote() {
    return frames.remote();
  }

  /** The first message becomes the connect command; everything after it is ignored. */
  @Override
  public void bind(Inbound inbound) {
    UniWebSocketTransport self = this;
    socket.boundInbound = inbound;
    socket.boundView = this;
    frames.bind(new Inbound() {
      @Override
      public void onText(Transport from, String text) {
        if (socket.connectTaken.compareAndSet(false, true)) connect(inbound, text);
      }

      @Override
      public void onBinary(Transport from, Buffer data) {
        onText(from, data.toString());
      }

      @Override
      public void onClosed(Transport from) {
        inbound.onClosed(self);
      }

      @Override
      public void onOversized(Transport from) {
        inbound.onOversized(self);
      }

      @Override
      public void onError(Transport from, Throwable cause) {
        inbound.onError(self, cause);
      }
    });
  }

  /** The connect request of the {@code cf_connect} parameter, for the bound session (call after {@link #bind}); later messages are ignored. */
  void connectFromQuery(String request) {
    UniWebSocketTransport view = socket.boundView;
    Inbound inbound = socket.boundInbound;
    if (view != null && socket.connectTaken.compareAndSet(false, true)) view.sessionContext.runOnContext(v -> view.connect(inbound, request));
  }

  /** On the session loop: the client's connect request, as the session's connect command. */
  private void connect(Inbound inbound, String request) {
    if (request.length() > socket.connectLimit) {
      inbound.onOversized(this);
      return;
    }
    String command = UniConnect.command(request);
    if (command == null) {
      LOG.info("event=bad_request remote={} reason=\"uni_websocket connect request is not a JSON object\"", remote());
      close(Disconnect.BAD_REQUEST);
      return;
    }
    inbound.onText(this, command);
  }

  @Override
  public Transport movedTo(Context sessionContext) {
    return new UniWebSocketTransport(socket, frames.movedTo(sessionContext), sessionContext);
  }
}
