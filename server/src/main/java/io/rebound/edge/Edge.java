package io.rebound.edge;

import io.rebound.core.LogSafe;
import io.rebound.codec.WireCodec;
import io.rebound.edge.session.ClientSession;
import io.rebound.edge.session.EdgeHost;
import io.rebound.edge.session.EdgeServices;
import io.rebound.edge.session.SessionHandlers;
import io.rebound.edge.transport.FlushScheduler;
import io.rebound.edge.transport.Transport;
import io.rebound.engine.Broadcaster;
import io.rebound.engine.FanoutMessage;
import io.rebound.engine.FanoutReceiver;
import io.rebound.protocol.Disconnect;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One edge's sessions, without the sockets: the set of sessions, the per-user index the server API
 * reaches connections by, the {@link Hub}, the {@link FlushScheduler}, and the {@link EdgeHost} side
 * every session sees. {@link EdgeVerticle} wires it to an HTTP server and the event bus; a test can
 * open sessions on it over fake transports.
 *
 * <p>Confined to its event loop ({@link #context()}); never blocks. {@link #drain} and {@link
 * #stats} may be called from any thread: they hop onto the loop and complete from there.
 */
public final class Edge implements EdgeHost, FanoutReceiver {

  private static final Logger LOG = LoggerFactory.getLogger(Edge.class);

  private final Vertx vertx;
  private final Context context;
  private final EdgeServices services;
  private final EdgeRegistry registry;
  private final Broadcaster broadcaster;
  private final Hub hub;
  private final FlushScheduler flusher;
  private final SessionHandlers handlers;
  /** Every session of this edge, with the transport and format it was opened with (what it is counted under). */
  private final Map<ClientSession, Kind> sessions = new HashMap<>();
  /** Open sessions by {@link Kind}: this edge's share of {@code info}'s per-transport counts. */
  private final Map<Kind, Integer> openByKind = new HashMap<>();
  /** The kinds seen (a handful: transports × formats), so that sessions share their {@link Kind}. */
  private final Map<Kind, Kind> kinds = new HashMap<>();
  private final UserIndex<ClientSession> byUser = new UserIndex<>();
  private boolean draining;

  public Edge(Vertx vertx, Context context, EdgeServices services, EdgeRegistry registry, Broadcaster broadcaster) {
    this.vertx = vertx;
    this.context = context;
    this.services = services;
    this.registry = registry;
    this.broadcaster = broadcaster;
    this.flusher = new FlushScheduler(context, services.config().client().writeDelay());
    this.handlers = new SessionHandlers(this, services);
    this.hub = new Hub(services, handlers, broadcaster, this);
  }

  /** A new connection speaking {@code codec}: a session in CONNECTING that receives the transport's frames. Call on this edge's loop. */
  public ClientSession open(Transport transport, WireCodec codec, long now) {
    Kind kind = kinds.computeIfAbsent(new Kind(transport.name(), codec.name()), k -> k); // one instance per kind, not per session
    services.metrics().connectionOpened(kind.transport(), kind.format());
    ClientSession session = new ClientSession(handlers, transport, codec, now);
    sessions.put(session, kind);
    openByKind.merge(kind, 1, Integer::sum);
    transport.bind(session);
    return session;
  }

  /** Every session's timers (see {@link ClientSession#tick}); the edge calls it once a second. */
  public void tick(long now) {
    for (ClientSession s : sessions.keySet().toArray(new ClientSession[0])) s.tick(now);
  }

  /** A publication, join or leave for this edge's subscribers (on this edge's loop, from the broadcaster). */
  @Override
  public void onFanout(FanoutMessage msg) {
    hub.onFanout(msg);
  }

  /** The fan-out transport may have lost messages: re-read every subscribed channel from history. */
  public void resync() {
    hub.resync();
  }

  /** Closes every session with {@code reason}. */
  public void closeAll(Disconnect reason) {
    for (ClientSession s : new ArrayList<>(sessions.keySet())) s.close(reason);
  }

  /**
   * Stops taking connections and closes every session with 3001 (shutdown: the SDK reconnects and recovers on another node),
   * spread evenly over {@code periodMs} so the rest of the cluster sees a ramp, not a stampede.
   * Completes when every session is closed. Any thread.
   */
  public Future<Void> drain(long periodMs) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      draining = true;
      List<ClientSession> all = new ArrayList<>(sessions.keySet());
      if (all.isEmpty() || periodMs <= 0) {
        all.forEach(s -> s.close(Disconnect.SHUTDOWN));
        done.complete();
        return;
      }
      long steps = Math.max(1, periodMs / 50);
      int perStep = (int) Math.max(1, (all.size() + steps - 1) / steps);
      Iterator<ClientSession> it = all.iterator();
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

  /** Draining: new connections are refused (the balancer should send them elsewhere). */
  public boolean draining() {
    return draining;
  }

  /** A connection's transport ({@link Transport#name()}) and wire format ({@link WireCodec#name()}). */
  record Kind(String transport, String format) {}

  /** This edge's share of the node statistics. */
  record Stats(int clients, Set<String> users, Map<String, Integer> channels, Map<Kind, Integer> byKind) {}

  /** This edge's share of the node statistics, taken on its loop. Any thread. */
  Future<Stats> stats() {
    Promise<Stats> promise = Promise.promise();
    context.runOnContext(v -> promise.complete(
        new Stats(sessions.size(), byUser.users(), hub.counts(), new HashMap<>(openByKind))));
    return promise.future();
  }

  /** Server API operations aimed at connections: by user, optionally narrowed to one client id. */
  public void onControl(JsonObject cmd) {
    List<ClientSession> targets = byUser.sessionsOf(cmd.getString("user", ""));
    String client = cmd.getString("client");
    for (ClientSession s : targets) {
      if (client != null && !client.isEmpty() && !client.equals(s.clientId())) continue;
      switch (cmd.getString("op", "")) {
        case "disconnect" -> {
          if (!cmd.getJsonArray("whitelist", new JsonArray()).contains(s.clientId())) {
            s.close(new Disconnect(cmd.getInteger("code", Disconnect.FORCE_DISCONNECT.code()),
                cmd.getString("reason", Disconnect.FORCE_DISCONNECT.reason())));
          }
        }
        case "unsubscribe" -> handlers.serverUnsubscribe(s, cmd.getString("channel"));
        case "subscribe" -> handlers.serverSubscribe(s, cmd.getString("channel"));
        case "refresh" -> {
          if (cmd.getBoolean("expired", false)) s.close(Disconnect.EXPIRED);
          else if (cmd.containsKey("expire_at")) s.expireAt(cmd.getLong("expire_at"));
        }
        default -> LOG.warn("event=unknown_control_op op={}", LogSafe.value(cmd.getString("op")));
      }
    }
  }

  // ---- EdgeHost --------------------------------------------------------------------------------

  @Override
  public Context context() {
    return context;
  }

  @Override
  public FlushScheduler flusher() {
    return flusher;
  }

  @Override
  public Broadcaster broadcaster() {
    return broadcaster;
  }

  @Override
  public void subscribe(String channel, ClientSession session) {
    hub.add(channel, session);
  }

  @Override
  public void unsubscribe(String channel, ClientSession session) {
    hub.remove(channel, session);
  }

  @Override
  public void position(String channel, String epoch, long offset) {
    hub.position(channel, epoch, offset);
  }

  @Override
  public void connected(ClientSession session) {
    byUser.add(session.user(), session);
  }

  @Override
  public void released(ClientSession session, boolean wasConnected) {
    Kind kind = sessions.remove(session);
    if (kind == null) return;
    openByKind.computeIfPresent(kind, (k, n) -> n == 1 ? null : n - 1);
    services.limits().closed();
    services.metrics().connectionClosed(kind.transport(), kind.format());
    if (wasConnected) {
      byUser.remove(session.user(), session);
    }
  }

  @Override
  public ClientSession resumable(String sessionId) {
    return registry.resumable(sessionId);
  }

  @Override
  public void addResumable(String sessionId, ClientSession session) {
    registry.addResumable(sessionId, session);
  }

  @Override
  public void removeResumable(String sessionId, ClientSession session) {
    registry.removeResumable(sessionId, session);
  }
}
