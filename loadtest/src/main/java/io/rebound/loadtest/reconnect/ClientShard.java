package io.rebound.loadtest.reconnect;

import io.rebound.loadtest.common.OnContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The reconnecting clients of one event loop with their own WebSocket client (the {@link
 * io.rebound.loadtest.fanout.SubscriberShard} pattern): every method hops onto the shard's context, so client state needs no locks. The SDK
 * clients are created on that context, so their events run there too; they share this shard's WebSocket client.
 */
final class ClientShard {

  /** End-of-run view of this shard's subscriptions against what the publisher finally published. */
  record Tally(int readySubs, int caughtUpSubs, long tailLost, int notReadyClients) {
    Tally plus(Tally o) {
      return new Tally(readySubs + o.readySubs, caughtUpSubs + o.caughtUpSubs, tailLost + o.tailLost, notReadyClients + o.notReadyClients);
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final WebSocketClient client;
  private final String url;
  private final ReconnectStats stats;
  private final MassReconnectOptions options;
  private final List<ReconnectingClient> clients = new ArrayList<>();

  /**
   * A shard on an event loop of its own (the next of {@code vertx}'s, round robin) whose clients connect to {@code url}
   * (a balancer's WebSocket endpoint).
   */
  ClientShard(Vertx vertx, String url, ReconnectStats stats, MassReconnectOptions options) {
    this.vertx = vertx;
    // Not getOrCreateContext(): Vert.x 5 gives every call from one non-Vert.x thread the same ("sticky") event loop,
    // which put every shard, so every simulated client, on one thread: --event-loops had no effect.
    this.context = ((VertxInternal) vertx).createEventLoopContext();
    this.stats = stats;
    this.options = options;
    this.url = url;
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setTryUsePerMessageCompression(false)
        .setTryUsePerFrameCompression(false)
        .setTcpNoDelay(true)
        // A socket the SDK abandons (connect timeout) waits for the server's close frame this long (default 10 s),
        // holding its descriptor: in a 15,000-client reconnect storm those exhausted the process's 20,000.
        .setClosingTimeout(1)
        .setConnectTimeout((int) ReconnectingClient.HANDSHAKE_TIMEOUT_MS)
        .setMaxFrameSize(16 * 1024 * 1024)
        .setMaxMessageSize(64 * 1024 * 1024)
        // The default (50 per host) would queue every further connection behind the open ones forever.
        .setMaxConnections(Integer.MAX_VALUE));
  }

  /** Creates and connects one client (token null: through the connect hook, as {@code user}); completes the first time it is connected and subscribed. */
  Future<Void> open(String token, String user, SubscriptionState personal, SubscriptionState shared) {
    return onContext(() -> {
      ReconnectingClient c = new ReconnectingClient(this, token, user, personal, shared);
      clients.add(c);
      c.connect();
      return c.firstReady.future();
    });
  }

  /** Counts ready and caught-up subscriptions given the last sequence published per channel. */
  Future<Tally> tally(long[] finalSeq) {
    return onContext(() -> {
      int ready = 0;
      int caughtUp = 0;
      int notReady = 0;
      long tail = 0;
      for (ReconnectingClient c : clients) {
        if (!c.ready()) notReady++;
        for (SubscriptionState s : c.subs) {
          if (!s.subscribed) continue;
          ready++;
          long last = finalSeq[s.publisherIndex];
          if (s.lastSeq == last || (s.lastSeq == SubscriptionState.UNKNOWN && last == 0)) caughtUp++;
          else if (s.lastSeq != SubscriptionState.UNKNOWN && s.lastSeq < last) tail += last - s.lastSeq;
        }
      }
      return Future.succeededFuture(new Tally(ready, caughtUp, tail, notReady));
    });
  }

  Future<Void> close() {
    return onContext(() -> {
      clients.forEach(ReconnectingClient::close);
      return client.close();
    });
  }

  /** The context every client of this shard runs on. */
  Context context() {
    return context;
  }

  Vertx vertx() {
    return vertx;
  }

  WebSocketClient client() {
    return client;
  }

  String url() {
    return url;
  }

  ReconnectStats stats() {
    return stats;
  }

  MassReconnectOptions options() {
    return options;
  }

  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    return OnContext.run(context, action);
  }
}
