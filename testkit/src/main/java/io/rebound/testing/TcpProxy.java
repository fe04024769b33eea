package io.rebound.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy for tests, standing in for a load balancer in front of several nodes: each new
 * connection goes to the first backend in the list that accepts a TCP connection, and bytes are
 * piped both ways (with backpressure) until either side closes, which closes the other. A
 * backend that dies therefore drops its clients, which reconnect through the proxy to the next live
 * one. {@link #dropAll()} cuts every connection at once; {@link #hold()} keeps new connections
 * waiting (accepted, not forwarded) until {@link #release()}, so a test decides when clients get back.
 * {@link #blackholeToClient()} / {@link #blackholeToServer()} make the open connections silently lose
 * every byte in one direction from then on (what a dying network path does before the cut), so a
 * test knows exactly which messages were lost in flight.
 */
public final class TcpProxy implements AutoCloseable {

  private final Vertx vertx;
  private final List<Integer> backends;
  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private final Set<NetSocket> fronts = ConcurrentHashMap.newKeySet(); // client sides of forwarded connections
  private final Set<NetSocket> backs = ConcurrentHashMap.newKeySet(); // server sides
  private final Set<NetSocket> discarding = ConcurrentHashMap.newKeySet(); // bytes read from these are dropped
  private final AtomicInteger accepted = new AtomicInteger();
  private final List<NetSocket> held = new java.util.ArrayList<>();
  private boolean holding; // guarded by held
  private volatile boolean stalled; // server-to-client bytes are not read (stallDownstream)

  private TcpProxy(Vertx vertx, List<Integer> backends) {
    this.vertx = vertx;
    this.backends = List.copyOf(backends);
    this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(1_000));
    this.server = vertx.createNetServer();
  }

  /** Starts a proxy on a free port of 127.0.0.1 in front of the backends on {@code backendPorts} (tried in this order). */
  public static TcpProxy start(Vertx vertx, List<Integer> backendPorts) {
    TcpProxy proxy = new TcpProxy(vertx, backendPorts);
    proxy.server.connectHandler(proxy::accept);
    Await.result(proxy.server.listen(0, "127.0.0.1"));
    return proxy;
  }

  public int port() {
    return server.actualPort();
  }

  /** The WebSocket URL of the broker behind this proxy. */
  public String wsUrl() {
    return "ws://127.0.0.1:" + port() + "/connection/websocket";
  }

  /** Connections accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  /** Closes every proxied connection, both sides (a load balancer restart, a network blip). */
  public void dropAll() {
    for (NetSocket s : open) s.close();
  }

  /** From now on every byte the servers send on the open connections is lost (new connections are not affected). */
  public void blackholeToClient() {
    discarding.addAll(backs);
  }

  /** From now on every byte the clients send on the open connections is lost (new connections are not affected). */
  public void blackholeToServer() {
    discarding.addAll(fronts);
  }

  /** From now on new connections wait, accepted but not forwarded, until {@link #release()}. */
  public void hold() {
    synchronized (held) {
      holding = true;
    }
  }

  /** Forwards the connections that were held and stops holding new ones. */
  public void release() {
    List<NetSocket> waiting;
    synchronized (held) {
      holding = false;
      waiting = List.copyOf(held);
      held.clear();
    }
    waiting.forEach(this::forward);
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
    front.pause(); // nothing is read until there is a backend to write it to
    open.add(front);
    front.closeHandler(v -> open.remove(front));
    synchronized (held) {
      if (holding) {
        held.add(front);
        return;
      }
    }
    forward(front);
  }

  private void forward(NetSocket front) {
    firstLive(0).onComplete(ar -> {
      if (ar.failed()) {
        front.close();
        return;
      }
      NetSocket back = ar.result();
      if (!open.contains(front)) { // the client gave up while it was held or connecting
        back.close();
        return;
      }
      open.add(back);
      fronts.add(front);
      backs.add(back);
      front.closeHandler(v -> {
        open.remove(front);
        fronts.remove(front);
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

  private Future<NetSocket> firstLive(int index) {
    if (index >= backends.size()) return Future.failedFuture("no live backend among " + backends);
    Promise<NetSocket> p = Promise.promise();
    client.connect(backends.get(index), "127.0.0.1").onComplete(ar -> {
      if (ar.succeeded()) p.complete(ar.result());
      else firstLive(index + 1).onComplete(p);
    });
    return p.future();
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

  @Override
  public void close() {
    dropAll();
    Await.result(server.close());
    Await.result(client.close());
  }
}
