package io.rebound.edge.http;

import io.rebound.codec.Push;
import io.rebound.codec.WireCodec;
import io.rebound.protocol.Disconnect;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection carried by a streaming HTTP response (HTTP streaming or server-sent
 * events): what every {@link HttpStreamTransport} view of it shares. Server-to-client frames are
 * written to the response; client-to-server frames, for an emulated connection, arrive by {@code
 * POST /emulation} and are {@link #deliver delivered} here from whatever loop received them.
 *
 * <p>The response is touched only on its own event loop ({@link #socketContext}); {@link #deliver},
 * {@link #isClosed} and the routing may be used from any thread. The stream has no close code of its
 * own: when the server ends it, a {@link Push.Disconnect} is its last message, so the client learns
 * the code it would have read from a WebSocket close frame.
 */
final class ResponseStream {

  private static final Logger LOG = LoggerFactory.getLogger(ResponseStream.class);

  /** Where the frames of a bound view go: each runs on that view's session loop. */
  interface Delivery {
    void frame(Object frame);

    void oversized();

    void closed();
  }

  final Context socketContext;
  final WireCodec codec;
  /** This connection's emulation session id when its session is not resumable (a resumable one is addressed by its resume id). */
  final String id = UUID.randomUUID().toString();
  private final HttpServerResponse response;
  private final StreamFraming framing;
  private final EmulationRoutes routes; // null: not emulated
  private final String remote;
  private volatile Delivery delivery;
  private volatile boolean closed;
  private volatile String routedAs;

  /** A stream on {@code request}'s response; call on the request's loop ({@code socketContext}). */
  ResponseStream(HttpServerRequest request, Context socketContext, StreamFraming framing, WireCodec codec, EmulationRoutes routes) {
    this.socketContext = socketContext;
    this.codec = codec;
    this.response = request.response();
    this.framing = framing;
    this.routes = routes;
    this.remote = String.valueOf(request.remoteAddress());
    response.closeHandler(v -> lost());
    response.exceptionHandler(e -> LOG.debug("event=stream_error remote={} error=\"{}\"", remote, e.toString()));
  }

  /**
   * Sends the status line and headers at once (a fetch resolves, an EventSource opens, before the
   * first message), chunked and uncacheable; proxies are asked not to buffer ({@code
   * X-Accel-Buffering}). An event stream also gets an empty line, which EventSource ignores.
   */
  void start(String contentType) {
    response.setChunked(true)
        .putHeader("Content-Type", contentType)
        .putHeader("Cache-Control", "private, no-cache, no-store, must-revalidate, max-age=0")
        .putHeader("Pragma", "no-cache")
        .putHeader("Expires", "0")
        .putHeader("X-Accel-Buffering", "no");
    if (framing == StreamFraming.EVENTS) response.write("\r\n");
    else response.writeHead();
  }

  String remote() {
    return remote;
  }

  boolean isClosed() {
    return closed;
  }

  /** Frames from now on go to {@code to}. Any thread. */
  void bind(Delivery to) {
    delivery = to;
  }

  /**
   * A client-to-server frame (text or binary) of this connection; false when it is closed or no
   * session is bound. Any thread: the frame hops to the bound session's loop.
   */
  boolean deliver(Object frame) {
    Delivery to = delivery;
    if (closed || to == null) return false;
    to.frame(frame);
    return true;
  }

  /** A client-to-server frame over the message size limit: the session closes with 1009, as on a WebSocket. */
  boolean deliverOversized() {
    Delivery to = delivery;
    if (closed || to == null) return false;
    to.oversized();
    return true;
  }

  /** {@code POST /emulation} requests naming {@code session} reach this stream from now on (until it closes). */
  void route(String session) {
    if (routes == null) return;
    routedAs = session;
    routes.register(session, this);
    if (closed) unroute(); // lost meanwhile: no stale route
  }

  /** Writes {@code frame} (on the socket loop); {@code done} runs once it reached the socket, failed, or the stream is gone. */
  void write(Buffer frame, Runnable done) {
    if (closed) {
      done.run();
      return;
    }
    response.write(framing.frame(frame)).onComplete(ar -> done.run());
  }

  /**
   * Ends the stream (on the socket loop): a disconnect push with {@code reason}, then the end of
   * the response. Code 3000 ends it without one (the client left it already; Centrifugo sends none).
   */
  void end(Disconnect reason) {
    if (closed) return;
    closed = true;
    unroute();
    if (reason.code() != Disconnect.RESUMED_ELSEWHERE.code()) {
      Buffer push = disconnectPush(reason);
      if (push != null) response.write(framing.frame(push));
    }
    response.end();
  }

  private Buffer disconnectPush(Disconnect reason) {
    try {
      return codec.push(new Push.Disconnect(reason.code(), reason.reason()));
    } catch (IllegalArgumentException e) {
      return null; // a format without a disconnect push: the stream just ends, and the client reconnects
    }
  }

  /** The connection went away under the response (the client aborted, the network dropped it). */
  private void lost() {
    if (closed) return;
    closed = true;
    unroute();
    Delivery to = delivery;
    if (to != null) to.closed();
  }

  private void unroute() {
    String session = routedAs;
    if (session != null && routes != null) routes.unregister(session, this);
  }
}
