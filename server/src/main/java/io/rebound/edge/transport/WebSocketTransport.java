package io.rebound.edge.transport;

import java.util.Map;

import io.rebound.protocol.Disconnect;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.internal.http.WebSocketInternal;

/**
 * A {@link Transport} over a Vert.x {@link ServerWebSocket}. Usually the socket lives on the
 * session's own event loop and writes go straight to it. A resumed session keeps its home edge (its
 * subscriptions, order and timers stay where they are), but the new socket may have been accepted by
 * another edge: then every write and close is handed to the socket's event loop (the server runs in
 * strict thread mode, a socket is only touched from its own thread) and completions, like inbound
 * frames, come back to the session's loop.
 *
 * <p>Frames are encoded once per message for all the sockets it goes to ({@link EncodedFrames}) and
 * written into the socket's Netty pipeline directly, not through Vert.x's {@code writeFrame} (Vert.x
 * internals, pinned by {@code WebSocketTransportTest}, {@code OutboundFramingTest} and the end-to-end tests).
 */
public final class WebSocketTransport implements Transport {

  private final ServerWebSocket ws;
  private final Context socketContext;
  private final Context sessionContext;
  private final WebSocketFrameType frameType;

  private Map<String, String> requestHeaders = Map.of();
  private ChannelPromise silentWrites; // made on the first write: idle connections stay small

  /** Keeps {@code headers} of the upgrade request for the backend proxy (only those it forwards: a connection stays small). */
  public WebSocketTransport withRequestHeaders(Map<String, String> headers) {
    this.requestHeaders = Map.copyOf(headers);
    return this;
  }

  @Override
  public Map<String, String> requestHeaders() {
    return requestHeaders;
  }

  /** A view of {@code ws} from its own event loop; {@code binary} selects binary frames (else text). */
  public WebSocketTransport(ServerWebSocket ws, Context socketContext, boolean binary) {
    this(ws, socketContext, socketContext, binary ? WebSocketFrameType.BINARY : WebSocketFrameType.TEXT);
  }

  private WebSocketTransport(ServerWebSocket ws, Context socketContext, Context sessionContext, WebSocketFrameType frameType) {
    this.ws = ws;
    this.socketContext = socketContext;
    this.sessionContext = sessionContext;
    this.frameType = frameType;
  }

  @Override
  public String name() {
    return "websocket";
  }

  private boolean local() {
    return socketContext == sessionContext;
  }

  @Override
  public void write(Buffer frame, Runnable done) {
    if (local()) {
      writeHere(frame, done);
      return;
    }
    socketContext.runOnContext(v -> writeHere(frame, () -> sessionContext.runOnContext(x -> done.run())));
  }

  /**
   * On the socket's loop: the frame, encoded once for every socket it goes to ({@link EncodedFrames}),
   * straight into the channel in front of Vert.x's frame encoder, which lets bytes pass. Only closes (and
   * Vert.x's own pongs) take the Vert.x path, so frames keep their order. A socket Vert.x considers
   * closed gets no more frames, the very check {@code writeFrame} makes; the write still completes.
   */
  private void writeHere(Buffer message, Runnable done) {
    ChannelHandlerContext ctx = ws instanceof WebSocketInternal internal ? internal.channelHandlerContext() : null;
    if (ctx == null) {
      ws.writeFrame(frame(message)).onComplete(ar -> done.run());
      return;
    }
    if (ws.isClosed()) {
      done.run();
      return;
    }
    ByteBuf bytes = EncodedFrames.frame(message, frameType == WebSocketFrameType.BINARY, ctx.alloc());
    ctx.writeAndFlush(bytes, silentPromise(ctx));
    if (ctx.channel().isWritable()) {
      // Written to the socket, or held by Netty below its high-water mark: the write counts as done now.
      done.run();
    } else {
      // Netty holds more than its high-water mark: done once everything written so far has left, which an empty
      // write behind it tells (it completes in order). A per-write promise and listener on every frame cost a
      // fifth of the fan-out's CPU (JFR, loadtest/README.md "Side by side"); only a socket that lags pays this.
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER, ctx.newPromise().addListener(f -> done.run()));
    }
  }

  /**
   * The promise of frame writes: nobody listens to each write (see {@link #writeHere}), and a write that fails
   * because the peer has just gone must not reach the exception handler (the close handler tells the session).
   */
  private ChannelPromise silentPromise(ChannelHandlerContext ctx) {
    if (silentWrites == null) silentWrites = new VoidChannelPromise(ctx.channel(), false);
    return silentWrites;
  }

  @Override
  public void close(Disconnect reason) {
    if (local()) {
      if (!ws.isClosed()) ws.close((short) reason.code(), reason.reason());
      return;
    }
    socketContext.runOnContext(v -> {
      if (!ws.isClosed()) ws.close((short) reason.code(), reason.reason());
    });
  }

  @Override
  public boolean isClosed() {
    return ws.isClosed();
  }

  @Override
  public int closeCode() {
    Short code = ws.closeStatusCode();
    return code == null ? NO_CLOSE_CODE : code;
  }

  @Override
  public String remote() {
    return String.valueOf(ws.remoteAddress());
  }

  @Override
  public void bind(Inbound inbound) {
    if (local()) {
      ws.textMessageHandler(text -> inbound.onText(this, text));
      ws.binaryMessageHandler(data -> inbound.onBinary(this, data));
      ws.exceptionHandler(e -> onError(inbound, e));
      ws.closeHandler(v -> inbound.onClosed(this));
      return;
    }
    ws.textMessageHandler(text -> sessionContext.runOnContext(v -> inbound.onText(this, text)));
    ws.binaryMessageHandler(data -> sessionContext.runOnContext(v -> inbound.onBinary(this, data)));
    ws.exceptionHandler(e -> sessionContext.runOnContext(v -> onError(inbound, e)));
    ws.closeHandler(v -> sessionContext.runOnContext(x -> inbound.onClosed(this)));
  }

  @Override
  public Transport movedTo(Context sessionContext) {
    return new WebSocketTransport(ws, socketContext, sessionContext, frameType);
  }

  // Vert.x neither sends a close frame for an oversized frame (the connection just drops: 1006) nor
  // closes on an oversized fragmented message; both are answered with 1009, as Centrifugo does.
  private void onError(Inbound inbound, Throwable e) {
    if (tooBig(e)) inbound.onOversized(this);
    else inbound.onError(this, e);
  }

  private static boolean tooBig(Throwable e) {
    if (e instanceof CorruptedWebSocketFrameException c) return c.closeStatus() != null && c.closeStatus().code() == Disconnect.MESSAGE_TOO_BIG.code();
    return e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("max message size");
  }

  // A frame over the buffer's own ByteBuf: bytes shared by many subscribers are not copied per connection.
  private WebSocketFrameImpl frame(Buffer message) {
    return new WebSocketFrameImpl(frameType, ((BufferInternal) message).getByteBuf(), true);
  }
}
