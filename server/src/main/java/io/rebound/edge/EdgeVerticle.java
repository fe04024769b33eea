package io.rebound.edge;

import io.rebound.bus.Addresses;
import io.rebound.bus.ClusterSigner;
import io.rebound.bus.EventBusBroadcaster;
import io.rebound.codec.WireCodec;
import io.rebound.codec.json.JsonCodec;
import io.rebound.edge.session.EdgeServices;
import io.rebound.edge.transport.DirectSocketWrites;
import io.rebound.edge.transport.WebSocketTransport;
import io.rebound.engine.Broadcaster;
import io.rebound.engine.FanoutMessage;
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
import java.util.function.Function;

/**
 * The socket edge, one instance per event loop: Vert.x wiring only. It accepts WebSocket connections
 * at {@code /connection/websocket} (and hands plain HTTP requests to the router it is given), opens
 * a session for each on its {@link Edge}, and feeds the edge its fan-out and control messages and a
 * once-a-second tick. It never touches storage directly.
 */
public final class EdgeVerticle extends VerticleBase {

  public static final String WEBSOCKET_PATH = "/connection/websocket";

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
    EventBusBroadcaster.registerCodec(vertx);
    edge = new Edge(vertx, context, services, registry, broadcaster);
    // Fan-out is node-local: other nodes' messages arrive through the broadcaster's relay, which checks their signature.
    vertx.eventBus().<FanoutMessage>localConsumer(Addresses.FANOUT, msg -> edge.onFanout(msg.body()));
    ClusterSigner signer = ClusterSigner.of(services.config().cluster().secret());
    vertx.eventBus().consumer(Addresses.EDGE_CONTROL, msg -> {
      JsonObject cmd = signer.open(msg.body(), System.currentTimeMillis());
      if (cmd != null) edge.onControl(cmd);
      else ForgedControl.refused();
    });
    vertx.eventBus().localConsumer(Addresses.EDGE_RESYNC, msg -> edge.resync());
    vertx.setPeriodic(1000, id -> edge.tick(System.currentTimeMillis()));
    HttpServerOptions options = new HttpServerOptions()
        .setHost(services.config().http().address())
        .setPort(port)
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
        .setPerFrameWebSocketCompressionSupported(false);
    server = vertx.createHttpServer(options)
        .webSocketHandshakeHandler(hs -> {
          if (!WEBSOCKET_PATH.equals(hs.path())) hs.reject(404);
          else if (edge.draining()) hs.reject(503); // shutting down: the balancer should send it elsewhere
          else hs.accept();
        })
        .webSocketHandler(this::onSocket)
        .requestHandler(httpHandler.apply(vertx));
    return server.listen().onSuccess(s -> registry.register(edge));
  }

  @Override
  public Future<?> stop() {
    registry.unregister(edge);
    edge.closeAll(Disconnect.SHUTDOWN);
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void onSocket(ServerWebSocket ws) {
    DirectSocketWrites.install(ws);
    if (!services.limits().tryOpen()) {
      ws.close((short) Disconnect.CONNECTION_LIMIT.code(), Disconnect.CONNECTION_LIMIT.reason());
      return;
    }
    WireCodec codec = JsonCodec.INSTANCE;
    edge.open(new WebSocketTransport(ws, context, codec.binary()), codec, System.currentTimeMillis());
  }
}
