package io.rebound.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy standing in for a load balancer in front of several broker nodes: bytes are piped both
 * ways (with backpressure) until either side closes, which closes the other — the proxy never keeps
 * half a connection. A cut is a TCP close, never a WebSocket close frame, which is what clients see
 * when a balancer reloads or the machine behind it dies.
 *
 * <p>Where a new connection goes depends on how the proxy was started:
 * <ul>
 *   <li>{@link #start(Vertx, List)} (tests): to the first backend in the list that accepts a TCP
 *       connection, so every client is on the first live node and a dead node's clients reconnect to
 *       the next one;
 *   <li>{@link #roundRobin(Vertx, List)} (the load tools): to the next backend in turn, skipping those
 *       {@link #markDown marked down} and those that refuse the connection.
 * </ul>
 *
 * <p>What a test or a load scenario can do to the connections: {@link #dropAll()} cuts every one at
 * once; {@link #reload(long)} cuts them and refuses new ones for a while (a careless balancer reload);
 * {@link #dropBackend(int)} cuts those routed to one backend (its machine died); {@link #hold()} keeps
 * new connections waiting, accepted but not forwarded, until {@link #release()};
 * {@link #blackholeToClient()} / {@link #blackholeToServer()} make the open connections silently lose
 * every byte in one direction (a dying network path before the cut), so a test knows exactly which
 * messages were lost in flight; {@link #stallDownstream()} stops forwarding server-to-client bytes (a
 * congested downlink).
 *
 * <p>Thread-safe: every method may be called from any thread, the socket handlers run on the proxy's
 * event loop. Only {@link #start(Vertx, List)} and {@link #close()} block (never call them on an event
 * loop; {@link #roundRobin} and {@link #closeAsync()} are their non-blocking forms).
 */
public final class TcpProxy implements AutoCloseable {

  /** How long a test proxy waits for a backend to accept: a dead local port refuses at once anyway. */
  private static final int TEST_CONNECT_TIMEOUT_MS = 1_000;
  /** A balancer under a reconnect storm: a busy node may take seconds to accept thousands of handshakes. */
  private static final int BALANCER_CONNECT_TIMEOUT_MS = 5_000;
  /** Room for a reconnect storm of thousands of clients (the OS caps it at somaxconn). */
  private static final int ACCEPT_BACKLOG = 16_384;

  private final Vertx vertx;
  private final List<SocketAddress> backends;
  private final boolean roundRobin;
  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private final Map<NetSocket, Integer> routes = new ConcurrentHashMap<>(); // client side of a forwarded connection → backend index
  private final Set<NetSocket> backs = ConcurrentHashMap.newKeySet(); // server sides
  private final Set<NetSocket> discarding = ConcurrentHashMap.newKeySet(); // bytes read from these are dropped
  private final Set<Integer> down = ConcurrentHashMap.newKeySet();
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();
  /** A connection accepted while holding, and the event loop it was accepted on (where it must be forwarded from). */
  private record Held(NetSocket front, Context context) {}

  private final List<Held> held = new ArrayList<>();
  private boolean holding; // guarded by held
  private volatile boolean refusing;
  private volatile boolean stalled; // server-to-client bytes are not read (stallDownstream)

  private TcpProxy(Vertx vertx, List<SocketAddress> backends, boolean roundRobin, int connectTimeoutMs) {
    if (backends.isEmpty()) throw new IllegalArgumentException("no backend");
    this.vertx = vertx;
    this.backends = List.copyOf(backends);
    this.roundRobin = roundRobin;
    this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(connectTimeoutMs).setTcpNoDelay(true));
    this.server = vertx.createNetServer(new NetServerOptions().setAcceptBacklog(ACCEPT_BACKLOG).setTcpNoDelay(true));
  }

  /**
   * Starts a proxy on a free port of 127.0.0.1 in front of the nodes on {@code backendPorts} of
   * 127.0.0.1, each connection to the first that accepts it; returns once it listens.
   */
  public static TcpProxy start(Vertx vertx, List<Integer> backendPorts) {
    List<SocketAddress> backends = backendPorts.stream().map(p -> SocketAddress.inetSocketAddress(p, "127.0.0.1")).toList();
    return Await.result(new TcpProxy(vertx, backends, false, TEST_CONNECT_TIMEOUT_MS).listen());
  }

  /**
   * Starts a round-robin balancer on a free port of 127.0.0.1 in front of {@code backends}; the
   * future completes once it listens.
   */
  public static Future<TcpProxy> roundRobin(Vertx vertx, List<SocketAddress> backends) {
    return new TcpProxy(vertx, backends, true, BALANCER_CONNECT_TIMEOUT_MS).listen();
  }

  private Future<TcpProxy> listen() {
    return server.connectHandler(this::accept).listen(0, "127.0.0.1").map(this);
  }

  public int port() {
    return server.actualPort();
  }

  /** The WebSocket URL of the broker behind this proxy. */
  public String wsUrl() {
    return "ws://127.0.0.1:" + port() + "/connection/websocket";
  }

  /** Connections accepted so far (refused ones included). */
  public int accepted() {
    return accepted.get();
  }

  /** Connections closed on accept: while {@link #reload refusing}, or because no backend was up. */
  public long refused() {
    return refused.get();
  }

  /** Closes every proxied connection, both sides (a load balancer restart, a network blip). */
  public void dropAll() {
    for (NetSocket s : open) s.close();
  }

  /**
   * A careless balancer reload: every connection is cut now and new ones are closed on accept for
   * {@code refuseMs}. The future completes when the proxy accepts again, with the number of forwarded
   * connections that were cut.
   */
  public Future<Integer> reload(long refuseMs) {
    refusing = true;
    int cut = routes.size();
    dropAll();
    Promise<Integer> accepting = Promise.promise();
    Runnable reopen = () -> {
      refusing = false;
      accepting.complete(cut);
    };
    if (refuseMs <= 0) reopen.run();
    else vertx.setTimer(refuseMs, t -> reopen.run());
    return accepting.future();
  }

  /** Stops (or resumes) sending new connections to backend {@code index}; its open connections are left alone. */
  public void markDown(int index, boolean isDown) {
    if (index < 0 || index >= backends.size()) throw new IndexOutOfBoundsException("backend " + index);
    if (isDown) down.add(index);
    else down.remove(index);
  }

  /** Cuts every connection routed to backend {@code index} at once, as when the machine behind it dies; returns how many. */
  public int dropBackend(int index) {
    List<NetSocket> fronts = routes.entrySet().stream().filter(e -> e.getValue() == index).map(Map.Entry::getKey).toList();
    fronts.forEach(NetSocket::close);
    return fronts.size();
  }

  /** From now on every byte the servers send on the open connections is lost (new connections are not affected). */
  public void blackholeToClient() {
    discarding.addAll(backs);
  }

  /** From now on every byte the clients send on the open connections is lost (new connections are not affected). */
  public void blackholeToServer() {
    discarding.addAll(routes.keySet());
  }

  /** From now on new connections wait, accepted but not forwarded, until {@link #release()}. */
  public void hold() {
    synchronized (held) {
      holding = true;
    }
  }

  /** Forwards the connections that were held and stops holding new ones. */
  public void release() {
    List<Held> waiting;
    synchronized (held) {
      holding = false;
      waiting = List.copyOf(held);
      held.clear();
    }
    // Forwarded from the loop that accepted them, as when not held. Opened from the caller's thread,
    // the backend connection got a context of its own and the first bytes the backend sent were now
    // and then lost (about 1 release in 7 on the loaded machine; TcpProxyTest repeats the case).
    for (Held h : waiting) h.context().runOnContext(v -> forward(h.front()));
  }

  /**
   * Stops forwarding server-to-client bytes on every connection (a congested downlink): the server's
   * writes back up until its outbound queue overflows. Client-to-server bytes still flow.
   */
  public void stallDownstream() {
    stalled = true;
    backs.forEach(NetSocket::pause);
  }

  /** Forwards server-to-client bytes again. */
  public void resumeDownstream() {
    stalled = false;
    backs.forEach(NetSocket::resume);
  }

  private void accept(NetSocket front) {
    accepted.incrementAndGet();
    if (refusing) {
      refused.incrementAndGet();
      front.close();
      return;
    }
    front.pause(); // nothing is read (the WebSocket upgrade request) until there is a backend to write it to
    open.add(front);
    front.closeHandler(v -> open.remove(front));
    synchronized (held) {
      if (holding) {
        held.add(new Held(front, Vertx.currentContext()));
        return;
      }
    }
    forward(front);
  }

  private void forward(NetSocket front) {
    connect(candidates(), 0).onComplete(ar -> {
      if (ar.failed()) {
        refused.incrementAndGet();
        front.close();
        return;
      }
      NetSocket back = ar.result().socket();
      if (!open.contains(front)) { // the client gave up while it was held or connecting
        back.close();
        return;
      }
      open.add(back);
      routes.put(front, ar.result().index());
      backs.add(back);
      front.closeHandler(v -> {
        open.remove(front);
        routes.remove(front);
        discarding.remove(front);
        back.close();
      });
      back.closeHandler(v -> {
        open.remove(back);
        backs.remove(back);
        discarding.remove(back);
        front.close();
      });
      front.exceptionHandler(e -> front.close());
      back.exceptionHandler(e -> back.close());
      pipe(front, back, false);
      pipe(back, front, true);
      if (stalled) back.pause();
      front.resume();
    });
  }

  /** The backends to try for a new connection, in order: the ones up, from the first or from the next in turn. */
  private List<Integer> candidates() {
    int first = roundRobin ? Math.floorMod(next.getAndIncrement(), backends.size()) : 0;
    List<Integer> order = new ArrayList<>(backends.size());
    for (int k = 0; k < backends.size(); k++) {
      int i = (first + k) % backends.size();
      if (!down.contains(i)) order.add(i);
    }
    return order;
  }

  private record Route(int index, NetSocket socket) {}

  private Future<Route> connect(List<Integer> order, int k) {
    if (k >= order.size()) return Future.failedFuture("no live backend among " + backends + " (down: " + down + ")");
    int index = order.get(k);
    return client.connect(backends.get(index)).map(s -> new Route(index, s)).recover(e -> connect(order, k + 1));
  }

  private void pipe(NetSocket from, NetSocket to, boolean downstream) {
    from.handler(buf -> {
      if (discarding.contains(from)) return; // lost on the way
      to.write(buf);
      if (to.writeQueueFull()) {
        from.pause();
        to.drainHandler(v -> {
          if (!(downstream && stalled)) from.resume();
        });
      }
    });
  }

  /** Cuts every connection and stops listening; the future completes when the proxy is gone. */
  public Future<Void> closeAsync() {
    dropAll();
    return server.close().transform(ar -> client.close());
  }

  /** {@link #closeAsync()}, waiting for it. */
  @Override
  public void close() {
    Await.result(closeAsync());
  }
}
