package io.rebound.edge.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.rebound.bus.ClusterSigner;
import io.rebound.codec.WireCodec;
import io.rebound.codec.json.UniJsonCodec;
import io.rebound.config.TransportOptions;
import io.rebound.metrics.BrokerMetrics;
import io.rebound.protocol.Disconnect;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.util.List;
import java.util.Map;

/**
 * Every connection endpoint of an edge besides {@code /connection/websocket}, each switched on by
 * its Centrifugo v5 key ({@link TransportOptions}): the emulated pair {@code /connection/http_stream}
 * and {@code /connection/sse} with {@code POST /emulation}, and the unidirectional {@code
 * /connection/uni_websocket}, {@code /connection/uni_sse} and {@code /connection/uni_http_stream}.
 * A disabled endpoint answers 404 (the first refusal of each kind is logged at INFO). One instance
 * per edge, wired by the edge verticle in front of the HTTP API's routes; runs on the edge's loop.
 *
 * <p>{@code allowed_origins} holds here as on the WebSocket handshake ({@link OriginPolicy}): a
 * request from a browser page whose {@code Origin} is admitted gets the CORS headers a page of
 * another origin needs to read the stream (as Centrifugo's: the origin echoed, credentials allowed,
 * the requested headers allowed); one whose {@code Origin} is not admitted is refused with 403
 * before anything runs. Centrifugo only leaves the CORS headers out then, so the browser hides the
 * answer, but the request has run: an {@code EventSource} GET needs no pre-flight, and another site's
 * page could open a session with the visitor's cookies (which a connect proxy forwards).
 */
public final class HttpTransports {

  public static final String WEBSOCKET = "/connection/websocket";
  public static final String UNI_WEBSOCKET = "/connection/uni_websocket";
  private static final String CONNECT_PARAM = "cf_connect";

  private final TransportOptions options;
  private final Context context;
  private final SessionOpener edge;
  private final Refusals refusals;
  private final StreamEndpoints streams;
  private final EmulationEndpoint emulation;
  private final OriginPolicy origins;

  /**
   * @param messageSizeLimit {@code websocket_message_size_limit}: the largest frame of commands, also over {@code POST /emulation}
   * @param formats the bidirectional wire formats the node serves by name ({@code json}, …)
   * @param signer signs the requests this node forwards to another and checks the ones forwarded to it
   * @param origins {@code allowed_origins}
   */
  public HttpTransports(Vertx vertx, Context context, TransportOptions options, int messageSizeLimit, EmulationRoutes routes, Refusals refusals,
      BrokerMetrics metrics, SessionOpener edge, Map<String, WireCodec> formats, ClusterSigner signer, OriginPolicy origins) {
    this.options = options;
    this.origins = origins;
    this.context = context;
    this.edge = edge;
    this.refusals = refusals;
    this.streams = new StreamEndpoints(context, options, routes, edge, formats, refusals);
    this.emulation = new EmulationEndpoint(vertx, routes, metrics, options.emulationMaxRequestBodySize(), messageSizeLimit, signer);
  }

  /** Starts taking {@code POST /emulation} requests other nodes forward to this one (when emulation is on). */
  public void start() {
    if (options.emulation()) emulation.listen();
  }

  /** Serves {@code request} when it is for a connection endpoint (404 when that one is disabled); false for any other path. */
  public boolean handle(HttpServerRequest request) {
    switch (request.path()) {
      case StreamEndpoints.HTTP_STREAM -> {
        if (enabled(request, options.httpStream(), "http_stream") && fromAllowedOrigin(request)) streams.httpStream(request);
      }
      case StreamEndpoints.SSE -> {
        if (enabled(request, options.sse(), "sse") && fromAllowedOrigin(request)) streams.sse(request);
      }
      case EmulationEndpoint.PATH -> {
        if (enabled(request, options.emulation(), "http_stream and sse") && fromAllowedOrigin(request)) emulation.handle(request);
      }
      case StreamEndpoints.UNI_HTTP_STREAM -> {
        if (enabled(request, options.uniHttpStream(), "uni_http_stream") && fromAllowedOrigin(request)) streams.uniHttpStream(request);
      }
      case StreamEndpoints.UNI_SSE -> {
        if (enabled(request, options.uniSse(), "uni_sse") && fromAllowedOrigin(request)) streams.uniSse(request);
      }
      case UNI_WEBSOCKET -> {
        // Not an upgrade (those go to the WebSocket handshake): a plain request here is answered like Centrifugo's.
        if (enabled(request, options.uniWebsocket(), "uni_websocket")) Responses.status(request, 400);
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /**
   * True, with the CORS headers set, when {@code request} comes from no browser page or from an
   * admitted one; else answers 403 (logged as a refusal) and returns false.
   */
  private boolean fromAllowedOrigin(HttpServerRequest request) {
    String origin = request.getHeader("Origin");
    if (origin == null) return true;
    if (!Responses.printable(origin) || !origins.allows(origin, request.getHeader("Host"))) {
      // One constant reason: a reason per origin would let a client grow the set of logged kinds at will.
      refusals.refused(request.path(), 403, "Origin not admitted by allowed_origins", String.valueOf(request.remoteAddress()));
      Responses.status(request, 403);
      return false;
    }
    Responses.allowOrigin(request, origin);
    return true;
  }

  private boolean enabled(HttpServerRequest request, boolean on, String key) {
    if (on) return true;
    refusals.refused(request.path(), 404, key + " is disabled", String.valueOf(request.remoteAddress()));
    Responses.status(request, 404);
    return false;
  }

  /**
   * The status to refuse a WebSocket handshake for {@code path} with, or 0 to accept it ({@code
   * /connection/websocket} or {@code /connection/uni_websocket}): 404 for any other path and for a
   * disabled endpoint (logged as a refusal), 400 when a unidirectional socket's {@code cf_connect}
   * parameter is not a JSON object (Centrifugo's answers).
   */
  public int webSocketRefusal(String path, String query, String remote) {
    if (WEBSOCKET.equals(path)) {
      if (options.websocket()) return 0;
      refusals.refused(path, 404, "websocket is disabled (websocket_disable)", remote);
      return 404;
    }
    if (!UNI_WEBSOCKET.equals(path)) return 404;
    if (!options.uniWebsocket()) {
      refusals.refused(path, 404, "uni_websocket is disabled", remote);
      return 404;
    }
    String connect = connectParam(query);
    return connect != null && UniConnect.command(connect) == null ? 400 : 0;
  }

  /** An accepted {@code /connection/uni_websocket} socket: its session, then its connect request from the query if it came there. */
  public void onUniWebSocket(ServerWebSocket ws) {
    UniWebSocketTransport transport = UniWebSocketTransport.on(ws, context, options.uniWebsocketMessageSizeLimit());
    if (!edge.accepting()) {
      transport.close(Disconnect.SHUTDOWN);
      return;
    }
    if (!edge.open(transport, UniJsonCodec.INSTANCE)) {
      transport.close(Disconnect.CONNECTION_LIMIT);
      return;
    }
    String connect = connectParam(ws.query());
    if (connect != null) transport.connectFromQuery(connect);
  }

  private static String connectParam(String query) {
    if (query == null || query.isEmpty()) return null;
    List<String> values = new QueryStringDecoder(query, false).parameters().get(CONNECT_PARAM);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
