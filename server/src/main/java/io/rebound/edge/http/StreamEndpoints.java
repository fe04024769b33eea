package io.rebound.edge.http;

import io.rebound.codec.WireCodec;
import io.rebound.codec.json.UniJsonCodec;
import io.rebound.config.TransportOptions;
import io.rebound.protocol.Disconnect;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The connection endpoints carried by one streaming HTTP response, as Centrifugo defines them:
 * <ul>
 *   <li>{@code POST /connection/http_stream}: the body holds the client's first commands (its
 *       connect) in JSON, or in Protobuf when sent as {@code application/octet-stream}; replies and
 *       pushes stream back, one JSON message per line or varint-delimited Protobuf.
 *   <li>{@code GET /connection/sse?cf_connect=<commands>} (or POST with them as the body): the same
 *       in JSON only (Protobuf is refused) as server-sent events, one message per event.
 *   <li>{@code POST /connection/uni_http_stream} with a JSON {@code ConnectRequest} body, and {@code
 *       GET /connection/uni_sse} with it in {@code cf_connect} (optional) or POST: unidirectional,
 *       bare pushes as lines or events.
 * </ul>
 * A body over its limit is answered 413, a malformed request 400, a draining node 503; a connection
 * over the node's limit gets its stream with a 3504 disconnect and nothing else. One instance per
 * edge; runs on the edge's loop.
 */
final class StreamEndpoints {

  static final String HTTP_STREAM = "/connection/http_stream";
  static final String SSE = "/connection/sse";
  static final String UNI_HTTP_STREAM = "/connection/uni_http_stream";
  static final String UNI_SSE = "/connection/uni_sse";

  private static final String EVENT_STREAM = "text/event-stream; charset=utf-8";
  private static final String CONNECT_PARAM = "cf_connect";

  private final Context context;
  private final TransportOptions options;
  private final EmulationRoutes routes;
  private final SessionOpener edge;
  private final Map<String, WireCodec> formats;
  private final Refusals refusals;

  /** @param formats the bidirectional wire formats this node serves, by name ({@code json}, and {@code protobuf} when it has one) */
  StreamEndpoints(Context context, TransportOptions options, EmulationRoutes routes, SessionOpener edge, Map<String, WireCodec> formats,
      Refusals refusals) {
    this.context = context;
    this.options = options;
    this.routes = routes;
    this.edge = edge;
    this.formats = formats;
    this.refusals = refusals;
  }

  void httpStream(HttpServerRequest request) {
    if (request.method() == HttpMethod.OPTIONS) {
      Responses.preflight(request);
      return;
    }
    if (request.method() != HttpMethod.POST) {
      Responses.status(request, 405);
      return;
    }
    boolean binary = Responses.isOctetStream(request);
    String format = binary ? "protobuf" : "json";
    WireCodec codec = formats.get(format);
    if (codec == null) {
      refusals.refused(HTTP_STREAM, 415, "format " + format + " is not served", String.valueOf(request.remoteAddress()));
      Responses.status(request, 415);
      return;
    }
    BoundedBody.read(request, options.httpStreamMaxRequestBodySize(), body -> {
      if (body.length() == 0) {
        Responses.status(request, 400); // no connect command
        return;
      }
      open(request, "http_stream", binary ? StreamFraming.DELIMITED : StreamFraming.LINES, codec,
          binary ? "application/octet-stream" : "application/json", true, binary ? body : text(body));
    });
  }

  /**
   * SSE carries JSON only, as Centrifugo's does: a Protobuf body ({@code application/octet-stream})
   * is refused with 415, and connect data that is no JSON object (the Protobuf SDK build puts its
   * bytes in {@code cf_connect} as a list of numbers) with 400, both logged, before any stream
   * opens, so the SDK moves on to its next transport instead of looping on a stream it cannot read.
   */
  void sse(HttpServerRequest request) {
    WireCodec codec = formats.get("json");
    if (request.method() == HttpMethod.POST && Responses.isOctetStream(request)) {
      refusals.refused(SSE, 415, "sse carries JSON only (Protobuf clients: http_stream)", String.valueOf(request.remoteAddress()));
      Responses.status(request, 415);
      return;
    }
    connectRequest(request, options.sseMaxRequestBodySize(), true, commands -> {
      if (commands.isEmpty()) {
        Responses.status(request, 400); // no connect command
        return;
      }
      if (!commands.stripLeading().startsWith("{")) {
        refusals.refused(SSE, 400, "sse carries JSON only (Protobuf clients: http_stream)", String.valueOf(request.remoteAddress()));
        Responses.status(request, 400);
        return;
      }
      open(request, "sse", StreamFraming.EVENTS, codec, EVENT_STREAM, true, commands);
    });
  }

  void uniHttpStream(HttpServerRequest request) {
    if (request.method() == HttpMethod.OPTIONS) {
      Responses.preflight(request);
      return;
    }
    if (request.method() != HttpMethod.POST) {
      Responses.status(request, 405);
      return;
    }
    BoundedBody.read(request, options.uniHttpStreamMaxRequestBodySize(),
        body -> uni(request, "uni_http_stream", StreamFraming.LINES, "application/json", text(body)));
  }

  void uniSse(HttpServerRequest request) {
    connectRequest(request, options.uniSseMaxRequestBodySize(), false,
        connect -> uni(request, "uni_sse", StreamFraming.EVENTS, EVENT_STREAM, connect));
  }

  /** A unidirectional connection whose connect request is {@code connect} (400 when it is not a JSON object). */
  private void uni(HttpServerRequest request, String name, StreamFraming framing, String contentType, String connect) {
    String command = UniConnect.command(connect);
    if (command == null) {
      Responses.status(request, 400);
      return;
    }
    open(request, name, framing, UniJsonCodec.INSTANCE, contentType, false, command);
  }

  /** An event stream's connect data: the {@code cf_connect} parameter of a GET (browsers' EventSource can only GET), or a POST's body. */
  private void connectRequest(HttpServerRequest request, int maxBody, boolean bidirectional, Consumer<String> then) {
    if (request.method() == HttpMethod.GET) {
      String connect = request.getParam(CONNECT_PARAM);
      then.accept(connect == null ? "" : connect);
    } else if (request.method() == HttpMethod.POST) {
      BoundedBody.read(request, maxBody, body -> then.accept(text(body)));
    } else if (request.method() == HttpMethod.OPTIONS && !bidirectional) {
      Responses.preflight(request);
    } else {
      Responses.status(request, 405);
    }
  }

  /**
   * Starts the stream on {@code request}'s response, opens a session in {@code codec}'s format on it
   * and hands the session the client's first frame. A draining node answers 503 (the balancer should
   * send the client elsewhere); a connection over the node's limit gets its stream with a 3504 disconnect.
   */
  private void open(HttpServerRequest request, String name, StreamFraming framing, WireCodec codec, String contentType, boolean emulated,
      Object first) {
    if (!edge.accepting()) {
      Responses.status(request, 503);
      return;
    }
    ResponseStream stream = new ResponseStream(request, context, framing, codec, emulated ? routes : null);
    stream.start(contentType);
    HttpStreamTransport transport = emulated ? HttpStreamTransport.emulated(name, stream, routes) : HttpStreamTransport.unidirectional(name, stream);
    if (!edge.open(transport, codec)) {
      transport.close(Disconnect.CONNECTION_LIMIT);
      return;
    }
    stream.deliver(first);
  }

  private static String text(Buffer body) {
    return body.toString(StandardCharsets.UTF_8);
  }
}
