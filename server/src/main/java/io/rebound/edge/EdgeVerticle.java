package io.rebound.edge;

import io.rebound.bus.Addresses;
import io.rebound.engine.Broadcaster;
import io.rebound.bus.EventBusBroadcaster;
import io.rebound.engine.FanoutMessage;
import io.rebound.protocol.Disconnect;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket edge, one instance per event loop: accepts WebSocket connections at
 * {@code /connection/websocket} (and hands plain HTTP requests to the router it is given), owns its
 * sessions and their {@link Hub}, and receives fan-out and control messages for them. It never
 * touches storage directly.
 */
public final class EdgeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeVerticle.class);
  public static final String WEBSOCKET_PATH = "/connection/websocket";

  private final EdgeServices services;
  private final EdgeRegistry registry;
  private final Broadcaster broadcaster;
  private final Function<io.vertx.core.Vertx, Handler<HttpServerRequest>> httpHandler;
  private final int port;
  private final Set<ClientSession> sessions = new HashSet<>();
  private final Map<String, Set<ClientSession>> byUser = new HashMap<>();
  private Hub hub;
  private FlushScheduler flusher;
  private boolean draining;
  private HttpServer server;

  public EdgeVerticle(EdgeServices services, EdgeRegistry registry, Broadcaster broadcaster, int port,
      Function<io.vertx.core.Vertx, Handler<HttpServerRequest>> httpHandler) {
    this.services = services;
    this.registry = registry;
    this.broadcaster = broadcaster;
    this.port = port;
    this.httpHandler = httpHandler;
  }

  @Override
  public Future<?> start() {
    EventBusBroadcaster.registerCodec(vertx);
    hub = new Hub(services);
    flusher = new FlushScheduler(vertx, context, services.config().client().writeDelay());
    vertx.eventBus().<FanoutMessage>consumer(Addresses.FANOUT, msg -> hub.onFanout(msg.body()));
    vertx.eventBus().<JsonObject>consumer(Addresses.EDGE_CONTROL, msg -> onControl(msg.body()));
    vertx.eventBus().localConsumer(Addresses.EDGE_RESYNC, msg -> hub.resync());
    vertx.setPeriodic(1000, id -> tick());
    HttpServerOptions options = new HttpServerOptions()
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
          else if (draining) hs.reject(503); // shutting down: the balancer should send it elsewhere
          else hs.accept();
        })
        .webSocketHandler(this::onSocket)
        .requestHandler(httpHandler.apply(vertx));
    return server.listen().onSuccess(s -> registry.register(this));
  }

  /**
   * Stops taking connections and closes the open ones with 3001 (shutdown: the SDK reconnects and
   * recovers on another node), spread evenly over {@code periodMs} so the rest of the cluster sees a
   * ramp, not a stampede. Completes when every session is closed.
   */
  public Future<Void> drain(long periodMs) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      draining = true;
      java.util.List<ClientSession> all = new java.util.ArrayList<>(sessions);
      if (all.isEmpty() || periodMs <= 0) {
        all.forEach(s -> s.close(Disconnect.SHUTDOWN));
        done.complete();
        return;
      }
      long steps = Math.max(1, periodMs / 50);
      int perStep = (int) Math.max(1, (all.size() + steps - 1) / steps);
      java.util.Iterator<ClientSession> it = all.iterator();
      vertx.setPeriodic(0, 50, id -> {
        for (int i = 0; i < perStep && it.hasNext(); i++) it.next().close(Disconnect.SHUTDOWN);
        if (!it.hasNext()) {
          vertx.cancelTimer(id);
          done.complete();
        }
      });
    });
    return done.future();
  }

  @Override
  public Future<?> stop() {
    registry.unregister(this);
    for (ClientSession s : new java.util.ArrayList<>(sessions)) s.close(Disconnect.SHUTDOWN);
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void onSocket(ServerWebSocket ws) {
    DirectSocketWrites.install(ws);
    if (!services.limits().tryOpen()) {
      ws.close((short) Disconnect.CONNECTION_LIMIT.code(), Disconnect.CONNECTION_LIMIT.reason());
      return;
    }
    services.metrics().connectionOpened();
    ClientSession session = new ClientSession(this, services, ws, System.currentTimeMillis());
    sessions.add(session);
    ws.textMessageHandler(text -> session.onFrame(ws, text));
    ws.binaryMessageHandler(buf -> session.onFrame(ws, buf.toString()));
    ws.exceptionHandler(e -> {
      // Vert.x neither sends a close frame for an oversized frame (the connection just drops: 1006)
      // nor closes on an oversized fragmented message; answer both with 1009 as Centrifugo does.
      if (tooBig(e)) session.close(Disconnect.MESSAGE_TOO_BIG);
      else LOG.debug("event=socket_error {} error=\"{}\"", session.describe(), e.toString());
    });
    ws.closeHandler(v -> session.onSocketClosed(ws));
  }

  FlushScheduler flusher() {
    return flusher;
  }

  io.vertx.core.Context context() {
    return context;
  }

  EdgeRegistry registry() {
    return registry;
  }

  private static boolean tooBig(Throwable e) {
    if (e instanceof io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException c) {
      return c.closeStatus() != null && c.closeStatus().code() == 1009;
    }
    return e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("max message size");
  }

  Hub hub() {
    return hub;
  }

  Broadcaster broadcaster() {
    return broadcaster;
  }

  void connected(ClientSession session) {
    byUser.computeIfAbsent(session.user, u -> new LinkedHashSet<>()).add(session);
  }

  void released(ClientSession session, boolean wasConnected) {
    if (!sessions.remove(session)) return;
    services.limits().closed();
    services.metrics().connectionClosed();
    if (wasConnected) {
      Set<ClientSession> mine = byUser.get(session.user);
      if (mine != null && mine.remove(session) && mine.isEmpty()) byUser.remove(session.user);
    }
  }

  private void tick() {
    long now = System.currentTimeMillis();
    for (ClientSession s : sessions.toArray(new ClientSession[0])) s.tick(now);
  }

  /** Server API operations aimed at connections: by user, optionally narrowed to one client id. */
  private void onControl(JsonObject cmd) {
    Set<ClientSession> targets = byUser.get(cmd.getString("user", ""));
    if (targets == null) return;
    String client = cmd.getString("client");
    for (ClientSession s : targets.toArray(new ClientSession[0])) {
      if (client != null && !client.isEmpty() && !client.equals(s.clientId)) continue;
      switch (cmd.getString("op", "")) {
        case "disconnect" -> {
          if (!cmd.getJsonArray("whitelist", new io.vertx.core.json.JsonArray()).contains(s.clientId)) {
            s.close(new Disconnect(cmd.getInteger("code", 3503), cmd.getString("reason", "force disconnect")));
          }
        }
        case "unsubscribe" -> s.subscribeCommands().serverUnsubscribe(cmd.getString("channel"));
        case "subscribe" -> s.subscribeCommands().serverSubscribeNow(cmd.getString("channel"));
        case "refresh" -> {
          if (cmd.getBoolean("expired", false)) s.close(Disconnect.EXPIRED);
          else if (cmd.containsKey("expire_at")) s.expiresAt = cmd.getLong("expire_at");
        }
        default -> LOG.warn("event=unknown_control_op op={}", cmd.getString("op"));
      }
    }
  }

  /** This edge's share of the node statistics. */
  record EdgeStats(int clients, Set<String> users, Map<String, Integer> channels) {}

  Future<EdgeStats> stats() {
    Promise<EdgeStats> promise = Promise.promise();
    context.runOnContext(v -> promise.complete(new EdgeStats(sessions.size(), new HashSet<>(byUser.keySet()), hub.counts())));
    return promise.future();
  }
}
