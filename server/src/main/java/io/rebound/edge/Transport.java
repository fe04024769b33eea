package io.rebound.edge;

import io.rebound.protocol.Disconnect;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * The WebSocket a session currently writes to. Usually the socket lives on the session's own event
 * loop and writes go straight to it. A resumed session keeps its home edge (its subscriptions, order
 * and timers stay where they are), but the new socket may have been accepted by another edge: then
 * every write and close is handed to the socket's event loop (the server runs in strict thread mode,
 * a socket is only touched from its own thread) and completions come back to the session's loop.
 */
final class Transport {

  final ServerWebSocket ws;
  private final Context socketContext;
  private final Context sessionContext;

  Transport(ServerWebSocket ws, Context socketContext, Context sessionContext) {
    this.ws = ws;
    this.socketContext = socketContext;
    this.sessionContext = sessionContext;
  }

  private boolean local() {
    return socketContext == sessionContext;
  }

  /** Writes one text frame; {@code done} runs on the session's event loop once the write completed or failed. */
  void write(Buffer frame, Runnable done) {
    if (local()) {
      ws.writeFrame(textFrame(frame)).onComplete(ar -> done.run());
      return;
    }
    socketContext.runOnContext(v -> ws.writeFrame(textFrame(frame)).onComplete(ar -> sessionContext.runOnContext(x -> done.run())));
  }

  void close(Disconnect reason) {
    if (local()) {
      if (!ws.isClosed()) ws.close((short) reason.code(), reason.reason());
      return;
    }
    socketContext.runOnContext(v -> {
      if (!ws.isClosed()) ws.close((short) reason.code(), reason.reason());
    });
  }

  String remote() {
    return String.valueOf(ws.remoteAddress());
  }

  // A text frame over a slice of the buffer: bytes shared by many subscribers are not copied per connection.
  private static WebSocketFrameImpl textFrame(Buffer message) {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) message).getByteBuf(), true);
  }
}
