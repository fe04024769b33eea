package io.rebound.edge;

import io.rebound.core.NodeStats;
import io.rebound.edge.http.EmulationRoutes;
import io.rebound.edge.http.Refusals;
import io.rebound.edge.session.ClientSession;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The node's edges, so node-wide questions (channels, connection counts) can be asked of each edge on
 * its own event loop instead of sharing its state across threads, and the node's resumable sessions
 * by id. Thread-safe: edges on every event loop use it.
 */
public final class EdgeRegistry {

  private final Vertx vertx;
  private final List<Edge> edges = new CopyOnWriteArrayList<>();
  /** The node's emulated connections by session, for {@code POST /emulation} on any edge. */
  final EmulationRoutes emulation = new EmulationRoutes();
  /** Refused requests to disabled connection endpoints, logged once per kind for the node. */
  final Refusals refusals = new Refusals();
  /** Resumable sessions of this node by session id; each is touched only on its own edge's event loop. */
  private final Map<String, ClientSession> resumable = new ConcurrentHashMap<>();

  public EdgeRegistry(Vertx vertx) {
    this.vertx = vertx;
  }

  void addResumable(String sessionId, ClientSession session) {
    resumable.put(sessionId, session);
  }

  void removeResumable(String sessionId, ClientSession session) {
    resumable.remove(sessionId, session);
  }

  ClientSession resumable(String sessionId) {
    return sessionId == null ? null : resumable.get(sessionId);
  }

  void register(Edge edge) {
    edges.add(edge);
  }

  void unregister(Edge edge) {
    edges.remove(edge);
  }

  /** Drains every edge of this node (see {@link Edge#drain(long)}). */
  public Future<Void> drain(long periodMs) {
    List<Future<Void>> all = new ArrayList<>();
    for (Edge e : edges) all.add(e.drain(periodMs));
    return Future.join(all).mapEmpty();
  }

  /**
   * The node's statistics: each edge reports its share on its own event loop, and a worker thread
   * merges them — the merge is O(channels and users of the node), run every couple of seconds by the
   * info summary and the admin board, and no edge's connections should wait for it.
   */
  public Future<NodeStats> collect() {
    List<Future<Edge.Stats>> parts = new ArrayList<>();
    for (Edge e : edges) parts.add(e.stats());
    return Future.all(parts).compose(all -> vertx.executeBlocking(() -> merge(parts), false));
  }

  private static NodeStats merge(List<Future<Edge.Stats>> parts) {
    int clients = 0, subscriptions = 0;
    Set<String> users = new HashSet<>();
    Map<String, Integer> channels = new HashMap<>();
    Map<String, Map<String, Integer>> byTransport = new HashMap<>();
    for (Future<Edge.Stats> f : parts) {
      Edge.Stats s = f.result();
      clients += s.clients();
      users.addAll(s.users());
      s.channels().forEach((ch, n) -> channels.merge(ch, n, Integer::sum));
      s.byKind().forEach((kind, n) -> byTransport.computeIfAbsent(kind.transport(), t -> new HashMap<>()).merge(kind.format(), n, Integer::sum));
    }
    for (int n : channels.values()) subscriptions += n;
    return new NodeStats(clients, users.size(), channels, subscriptions, byTransport);
  }
}
