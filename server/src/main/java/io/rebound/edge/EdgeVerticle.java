package io.rebound.edge;

import io.rebound.bus.Addresses;
import io.rebound.bus.ClusterSigner;
import io.rebound.bus.ForgedMessages;
import io.rebound.codec.WireCodec;
import io.rebound.config.HttpOptions;
import io.rebound.core.LogSafe;
import io.rebound.edge.session.EdgeServices;
import io.rebound.edge.http.HttpTransports;
import io.rebound.edge.http.OriginPolicy;
import io.rebound.http.HttpDeadlines;
import io.rebound.http.PendingSockets;
import io.rebound.edge.http.SessionOpener;
import io.rebound.edge.transport.DirectSocketWrites;
import io.rebound.edge.transport.Transport;
import io.rebound.edge.transport.UpgradeLeftovers;
import io.rebound.edge.transport.WebSocketPipeline;
import io.rebound.edge.transport.WebSocketTransport;
import io.rebound.engine.Broadcaster;
import io.rebound.protocol.Disconnect;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket edge, one instance per event loop: Vert.x wiring only. It accepts WebSocket connections
 * at {@code /connection/websocket} in the wire format the client chose ({@link WireFormats}), hands
 * the other connection endpoints (HTTP streaming, SSE, emulation, the unidirectional ones) to {@link
 * HttpTransports} and every other HTTP request to the router it is given, opens a session for each
 * connection on its {@link Edge}, and feeds the edge its fan-out and control messages and a
 * once-a-second tick. It never touches storage directly.
 *
 * <p>The listener defends itself (README, "Limits"): it binds {@code address}; every HTTP connection
 * has the deadlines of {@link HttpDeadlines} until it upgrades, and counts among the {@link
 * PendingSockets} while it waits for a request; {@code http_idle_timeout} closes silent HTTP
 * connections; a WebSocket handshake from a browser page whose origin {@code allowed_origins} does
 * not admit is refused with 403 ({@link OriginPolicy}); an accepted WebSocket gets the pipeline of
 * {@link WebSocketPipeline} (UTF-8 text or close 1007; its pings, not the idle timeout, watch it).
 */
public final class EdgeVerticle extends VerticleBase {

  public static final String WEBSOCKET_PATH = HttpTransports.WEBSOCKET;
  private static final Logger LOG = LoggerFactory.getLogger(EdgeVerticle.class);
  private static final String SUBPROTOCOL_HEADER = "Sec-WebSocket-Protocol";

  private final EdgeServices services;
  private final EdgeRegistry registry;
  private final Broadcaster broadcaster;
  private final Function<Vertx, Handler<HttpServerRequest>> httpHandler;
  private final int port;
  private Edge edge;
  private HttpServer server;

  public EdgeVerticle(EdgeServices services, EdgeRegistry registry, Broadcaster broadcaster, int port,
      Function<Vertx, Handler<HttpServerRequest>> httpHandler) {
    this.services = services;
    this.registry = registry;
    this.broadcaster = broadcaster;
    this.port = port;
    this.httpHandler = httpHandler;
  }

  @Override
  public Future<?> start() {
    edge = new Edge(vertx, context, services, registry, broadcaster);
    // Fan-out reaches the edge through the broadcaster (Broadcaster#interest, taken by its hub per channel), never through
    // an event-bus address: other nodes' messages arrive through the broadcaster's relay, which checks their signature.
    ClusterSigner signer = ClusterSigner.of(services.config().cluster().secret());
    vertx.eventBus().consumer(Addresses.EDGE_CONTROL, msg -> {
      JsonObject cmd = signer.open(msg.body(), System.currentTimeMillis());
      if (cmd != null) edge.onControl(cmd);
      else ForgedMessages.CONTROL.refused();
    });
    vertx.eventBus().localConsumer(Addresses.EDGE_RESYNC, msg -> edge.resync());
    vertx.setPeriodic(1000, id -> edge.tick(System.currentTimeMillis()));
    HttpOptions http = services.config().http();
    OriginPolicy origins = new OriginPolicy(http.allowedOrigins());
    HttpTransports transports = new HttpTransports(vertx, context, services.config().transports(), services.config().client().messageSizeLimit(),
        registry.emulation, registry.refusals, services.metrics(), opener(), WireFormats.BY_NAME, signer, origins);
    transports.start();
    Handler<HttpServerRequest> routes = httpHandler.apply(vertx);
    PendingSockets pending = new PendingSockets(services.limits().pendingSockets());
    HttpServerOptions options = new HttpServerOptions()
        .setHost(http.address())
        .setPort(port)
        .setIdleTimeout((int) http.idleTimeout().toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        // HTTP/1 only: with cleartext HTTP/2 enabled, Vert.x sets a connection up only once its first
        // bytes arrive, so a socket that sends nothing would escape the header deadline.
        .setHttp2ClearTextEnabled(false)
        .setTcpNoDelay(true)
        // Sockets are written only from their own event loop, so a connection needs no multi-producer
        // outbound queue (about 4.8 KiB per connection saved; the upgraded WebSocket connection gets the
        // same treatment from DirectSocketWrites, Vert.x 5.0 does not pass the flag on to it).
        .setStrictThreadMode(true)
        .setReusePort(true)
        .setAcceptBacklog(8192)
        .setMaxWebSocketMessageSize(services.config().client().messageSizeLimit())
        .setMaxWebSocketFrameSize(services.config().client().messageSizeLimit())
        // Compression costs tens of KiB per connection; idle connections must stay small.
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setWebSocketSubProtocols(WireFormats.SUBPROTOCOLS); // the one chosen is echoed in the handshake
    server = vertx.createHttpServer(options)
        .connectionHandler(conn -> HttpDeadlines.install(conn, http, pending))
        .webSocketHandshakeHandler(hs -> {
          int refusal = transports.webSocketRefusal(hs.path(), hs.query(), String.valueOf(hs.remoteAddress()));
          if (refusal != 0) hs.reject(refusal);
          else if (edge.draining()) hs.reject(503); // shutting down: the balancer should send it elsewhere
          else if (!origins.allows(hs.headers().get("Origin"), hs.headers().get("Host"))) hs.reject(403);
          else if (refusedFormat(hs.headers().get(SUBPROTOCOL_HEADER), hs.query(), hs.remoteAddress())) hs.reject(400);
          else hs.accept();
        })
        .webSocketHandler(ws -> {
          if (WEBSOCKET_PATH.equals(ws.path())) {
            onSocket(ws);
          } else {
            DirectSocketWrites.install(ws);
            WebSocketPipeline.install(ws);
            transports.onUniWebSocket(ws);
            UpgradeLeftovers.release(ws, HttpTransports.UNI_WEBSOCKET); // it read the query, and no headers
          }
        })
        .requestHandler(request -> {
          if (!transports.handle(request)) routes.handle(request);
        });
    return server.listen().onSuccess(s -> registry.register(edge));
  }

  @Override
  public Future<?> stop() {
    registry.unregister(edge);
    edge.closeAll(Disconnect.SHUTDOWN);
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** The edge as the HTTP connection endpoints open sessions on it: under the node's connection limit, never while draining. */
  private SessionOpener opener() {
    return new SessionOpener() {
      @Override
      public boolean accepting() {
        return !edge.draining();
      }

      @Override
      public boolean open(Transport transport, WireCodec codec) {
        if (!services.limits().tryOpen()) return false;
        edge.open(transport, codec, System.currentTimeMillis());
        return true;
      }
    };
  }

  private void onSocket(ServerWebSocket ws) {
    DirectSocketWrites.install(ws);
    WebSocketPipeline.install(ws);
    if (!services.limits().tryOpen()) {
      ws.close((short) Disconnect.CONNECTION_LIMIT.code(), Disconnect.CONNECTION_LIMIT.reason());
      return;
    }
    WireCodec codec = WireFormats.choose(ws.headers().get(SUBPROTOCOL_HEADER), ws.query()).codec();
    WebSocketTransport transport = new WebSocketTransport(ws, context, codec.binary());
    if (services.proxy() != null) transport.withRequestHeaders(services.proxy().forwardable(ws.headers()));
    UpgradeLeftovers.release(ws, WEBSOCKET_PATH); // everything needed of the upgrade request is read: an idle connection stays small
    edge.open(transport, codec, System.currentTimeMillis());
  }

  /** Whether the client asks only for formats this node does not serve: then it is refused, with one log line. */
  private static boolean refusedFormat(String subprotocols, String query, Object remote) {
    WireFormats.Choice format = WireFormats.choose(subprotocols, query);
    if (format.codec() != null) return false;
    LOG.info("event=unsupported_format remote={} asked={} (handshake refused with 400)", remote, LogSafe.value(format.refusal()));
    return true;
  }
}
