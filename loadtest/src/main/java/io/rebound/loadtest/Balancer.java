package io.rebound.loadtest;

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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;

/**
 * A TCP load balancer in front of the broker nodes, like an L4 HAProxy/nginx: each accepted connection
 * is piped to the next backend round-robin. {@link #reload()} does what a careless reload does to
 * WebSocket users: every connection is dropped at once (RST-like: no WebSocket close frame, the
 * clients only see the TCP close) and new connections are closed on accept for {@code refuseMs}.
 *
 * <p>All state is confined to one event-loop context, so it needs no locks.
 */
public final class Balancer {

  private final Vertx vertx;
  private final Context context;
  private final NetServer server;
  private final NetClient client;
  private final List<SocketAddress> backends;
  private final boolean[] down;
  private final Set<NetSocket> open = new HashSet<>();
  /** Client-side socket of every established pair -> index of its backend. */
  private final Map<NetSocket, Integer> backendOf = new HashMap<>();
  private int next;
  private boolean refusing;
  private long refused;

  /** Must be called from a non-Vert.x thread (gets its own context). */
  public Balancer(Vertx vertx, List<SocketAddress> backends) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.backends = List.copyOf(backends);
    this.down = new boolean[backends.size()];
    this.server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setAcceptBacklog(16384).setTcpNoDelay(true));
    this.client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(5000));
  }

  /** Listens on an ephemeral port of 127.0.0.1; the future carries the port. */
  public Future<Integer> start() {
    return onContext(() -> server.connectHandler(this::accept).listen(0, "127.0.0.1").map(NetServer::actualPort));
  }

  public int port() {
    return server.actualPort();
  }

  /**
   * Drops every connection now and refuses new ones for {@code refuseMs}; completes when it accepts
   * again. The number of dropped connections is the future's value.
   */
  public Future<Integer> reload(long refuseMs) {
    return onContext(() -> {
      refusing = true;
      List<NetSocket> all = new ArrayList<>(open);
      open.clear();
      backendOf.clear();
      all.forEach(NetSocket::close);
      Promise<Integer> done = Promise.promise();
      Runnable reopen = () -> {
        refusing = false;
        done.complete(all.size() / 2);
      };
      if (refuseMs <= 0) reopen.run();
      else vertx.setTimer(refuseMs, t -> reopen.run());
      return done.future();
    });
  }

  /** Stops (or resumes) routing new connections to backend {@code i}; open ones are left alone. */
  public Future<Void> markDown(int i, boolean isDown) {
    return onContext(() -> {
      down[i] = isDown;
      return Future.succeededFuture();
    });
  }

  /**
   * Cuts every connection routed to backend {@code i} at once, as when the machine behind it dies:
   * the clients see the TCP connection go, with no WebSocket close frame.
   */
  public Future<Integer> dropBackend(int i) {
    return onContext(() -> {
      List<NetSocket> fronts = backendOf.entrySet().stream().filter(e -> e.getValue() == i).map(Map.Entry::getKey).toList();
      fronts.forEach(NetSocket::close);
      return Future.succeededFuture(fronts.size());
    });
  }

  /** Connections closed on accept while refusing, or because no backend was up. */
  public long refused() {
    return refused;
  }

  public Future<Void> close() {
    return onContext(() -> server.close().transform(ar -> client.close()));
  }

  private void accept(NetSocket front) {
    int index = pick();
    SocketAddress backend = index < 0 ? null : backends.get(index);
    if (refusing || backend == null) {
      refused++;
      front.close();
      return;
    }
    // Hold the client's bytes (the WebSocket upgrade request) until the backend is connected.
    front.pause();
    open.add(front);
    front.closeHandler(v -> open.remove(front));
    client.connect(backend).onComplete(ar -> {
      if (ar.failed() || !open.contains(front)) {
        if (ar.succeeded()) ar.result().close();
        front.close();
        return;
      }
      NetSocket back = ar.result();
      open.add(back);
      backendOf.put(front, index);
      // Either side closing closes the other: the balancer never keeps half a connection.
      front.closeHandler(v -> {
        open.remove(front);
        backendOf.remove(front);
        back.close();
      });
      back.closeHandler(v -> {
        open.remove(back);
        front.close();
      });
      front.pipeTo(back);
      back.pipeTo(front);
    });
  }

  private int pick() {
    for (int tries = 0; tries < backends.size(); tries++) {
      int i = next++ % backends.size();
      if (!down[i]) return i;
    }
    return -1;
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(result));
    return result.future();
  }
}
