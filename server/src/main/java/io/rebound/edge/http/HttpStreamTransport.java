package io.rebound.edge.http;

import io.rebound.codec.Result;
import io.rebound.edge.transport.Transport;
import io.rebound.protocol.Disconnect;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;

/**
 * A {@link Transport} over a streaming HTTP response ({@link ResponseStream}): {@code http_stream}
 * and {@code sse} (bidirectional emulation: the client's commands come by {@code POST /emulation})
 * or {@code uni_http_stream} and {@code uni_sse} (the connect request is all the client sends).
 *
 * <p>Like {@code WebSocketTransport} it is a view from one session loop: writes and the end of the
 * stream hop to the response's loop when the two differ (a resumed session), completions and
 * inbound frames come back to the session's loop. Immutable.
 */
final class HttpStreamTransport implements Transport {

  private final ResponseStream stream;
  private final Context sessionContext;
  private final String name;
  private final EmulationRoutes routes; // null: unidirectional

  /** An emulated connection: its connect reply names its session and this node for {@code POST /emulation}. */
  static HttpStreamTransport emulated(String name, ResponseStream stream, EmulationRoutes routes) {
    return new HttpStreamTransport(stream, stream.socketContext, name, routes);
  }

  /** A unidirectional connection. */
  static HttpStreamTransport unidirectional(String name, ResponseStream stream) {
    return new HttpStreamTransport(stream, stream.socketContext, name, null);
  }

  private HttpStreamTransport(ResponseStream stream, Context sessionContext, String name, EmulationRoutes routes) {
    this.stream = stream;
    this.sessionContext = sessionContext;
    this.name = name;
    this.routes = routes;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean unidirectional() {
    return routes == null;
  }

  /**
   * Emulated: the reply names the session the client's requests address — the resumable session's id
   * when there is one (it survives the stream), else this stream's own — and this node; requests for
   * it are routed to this stream from now on. Unidirectional: no pong is expected.
   */
  @Override
  public Result.Connect connectResult(Result.Connect result) {
    if (routes == null) return result.forTransport(result.session(), null, false);
    String session = result.session() != null ? result.session() : stream.id;
    stream.route(session);
    return result.forTransport(session, routes.nodeId(), result.pong());
  }

  private boolean local() {
    return stream.socketContext == sessionContext;
  }

  @Override
  public void write(Buffer frame, Runnable done) {
    if (local()) {
      stream.write(frame, done);
      return;
    }
    stream.socketContext.runOnContext(v -> stream.write(frame, () -> sessionContext.runOnContext(x -> done.run())));
  }

  @Override
  public void close(Disconnect reason) {
    if (local()) stream.end(reason);
    else stream.socketContext.runOnContext(v -> stream.end(reason));
  }

  @Override
  public boolean isClosed() {
    return stream.isClosed();
  }

  /** A stream has no close frame: it never ends with a goodbye, so a resumable session detaches whenever it ends. */
  @Override
  public int closeCode() {
    return NO_CLOSE_CODE;
  }

  @Override
  public String remote() {
    return stream.remote();
  }

  /** Frames (from the connect request, or from {@code POST /emulation} on any loop) always hop to the session's loop, in arrival order. */
  @Override
  public void bind(Inbound inbound) {
    HttpStreamTransport self = this;
    stream.bind(new ResponseStream.Delivery() {
      @Override
      public void frame(Object frame) {
        sessionContext.runOnContext(v -> {
          if (frame instanceof String text) inbound.onText(self, text);
          else inbound.onBinary(self, (Buffer) frame);
        });
      }

      @Override
      public void oversized() {
        sessionContext.runOnContext(v -> inbound.onOversized(self));
      }

      @Override
      public void closed() {
        sessionContext.runOnContext(v -> inbound.onClosed(self));
      }
    });
  }

  @Override
  public Transport movedTo(Context sessionContext) {
    return new HttpStreamTransport(stream, sessionContext, name, routes);
  }
}
