package io.rebound.loadtest.fanout;

import io.rebound.loadtest.common.OnContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The subscribers living on one event loop, with their own WebSocket client and delivery statistics.
 * Every method hops onto the shard's context first, so the state needs no locks.
 */
final class SubscriberShard {

  private final Context context;
  private final WebSocketClient client;
  private final List<Subscriber> subscribers = new ArrayList<>();
  private final DeliveryStats stats = new DeliveryStats();
  private RunSpec run;
  private long expected;
  private Promise<Void> allDelivered;
  private boolean warned;

  /** Must be called from a non-Vert.x thread so that every shard gets a fresh event-loop context. */
  SubscriberShard(Vertx vertx) {
    this.context = vertx.getOrCreateContext();
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setTryUsePerMessageCompression(false)
        .setTryUsePerFrameCompression(false)
        .setTcpNoDelay(true)
        // The default (50 per host) would queue every further connection behind the open ones forever.
        .setMaxConnections(Integer.MAX_VALUE));
  }

  /** Opens one subscriber; completes when it is connected and subscribed. */
  Future<Void> open(String name, String url, String token, String channel, int timeoutSeconds) {
    return onContext(() -> {
      Subscriber s = new Subscriber(this, name);
      subscribers.add(s);
      return s.open(client.webSocket(), target(url), token, channel, timeoutSeconds);
    });
  }

  /** Resets statistics for {@code spec}; {@code done} completes once every subscriber here got every publication. */
  Future<Void> arm(RunSpec spec, Promise<Void> done) {
    return onContext(() -> {
      stats.reset();
      subscribers.forEach(s -> s.reset(spec));
      run = spec;
      expected = (long) subscribers.size() * spec.publications();
      allDelivered = done;
      if (expected == 0) done.tryComplete();
      return Future.succeededFuture();
    });
  }

  /** A copy of this shard's statistics for the current round. */
  Future<DeliveryStats> snapshot() {
    return onContext(() -> Future.succeededFuture(stats.copy()));
  }

  Future<Void> close() {
    return onContext(() -> {
      List<Future<Void>> closing = new ArrayList<>();
      subscribers.forEach(s -> closing.add(s.close()));
      return Future.join(closing).transform(ar -> client.close());
    });
  }

  RunSpec currentRun() {
    return run;
  }

  DeliveryStats stats() {
    return stats;
  }

  void accepted(long nowMicros, long sentMicros) {
    stats.delivered(nowMicros, sentMicros);
    if (stats.delivered == expected) allDelivered.tryComplete();
  }

  /** Prints the first anomaly of this shard to stderr (more would flood the terminal at 1000 subscribers). */
  void warnOnce(String message) {
    if (warned) return;
    warned = true;
    System.err.println("warning: " + message + " (further warnings of this shard suppressed)");
  }

  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    return OnContext.run(context, action);
  }

  static WebSocketConnectOptions target(String url) {
    URI uri = URI.create(url);
    boolean ssl = "wss".equalsIgnoreCase(uri.getScheme());
    if (!ssl && !"ws".equalsIgnoreCase(uri.getScheme())) throw new IllegalArgumentException("not a ws:// or wss:// URL: " + url);
    int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) path += "?" + uri.getRawQuery();
    return new WebSocketConnectOptions().setHost(uri.getHost()).setPort(port).setSsl(ssl).setURI(path);
  }
}
