package io.rebound.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Rebound's Java client: Centrifugo's client protocol (JSON, v2) over a Vert.x WebSocket, plus Rebound's extensions
 * (docs/EXTENSIONS.md): two-way session resume, discontinuity signalling, opting out of offline sync.
 *
 * <p>What it guarantees: publications of a subscription reach its listeners in offset order, each once, across
 * reconnects (session resume when the server accepts it, per-channel recovery otherwise); a publish is applied at most
 * once however often it is resent (an idempotency key per publish); commands are kept until answered, up to the
 * recovery buffer size.
 *
 * <p>Threading: all state lives on one Vert.x context (the caller's when created on a Vert.x thread, else a new event
 * loop context). Public methods may be called from any thread; listeners and the returned futures' handlers run on
 * that context.
 *
 * <pre>{@code
 * ReboundClient client = ReboundClient.create(vertx, new ReboundClientOptions()
 *     .url("ws://localhost:8000/connection/websocket").token(jwt));
 * Subscription sub = client.newSubscription("chat:index");
 * sub.addListener(new SubscriptionListener() {
 *   public void onPublication(Publication p) { System.out.println(p.offset() + " " + p.data()); }
 * });
 * sub.subscribe();
 * client.connect();
 * client.publish("chat:index", Map.of("text", "hi"));
 * }</pre>
 */
public final class ReboundClient implements AutoCloseable {

  /** {@link DisconnectedEvent} codes set by the client itself (server codes are ≥ 100). */
  public static final int DISCONNECT_CALLED = 0;
  public static final int DISCONNECT_UNAUTHORIZED = 1;
  public static final int DISCONNECT_MESSAGE_SIZE_LIMIT = 3;

  /** {@link ReconnectingEvent} codes set by the client itself. */
  public static final int RECONNECT_TRANSPORT_CLOSED = 1;
  public static final int RECONNECT_NO_PING = 2;
  public static final int RECONNECT_TIMEOUT = 3;
  public static final int RECONNECT_TOKEN_UNAVAILABLE = 5;

  private final ClientEngine engine;
  private final WebSocketClient ownWsClient;
  private final List<ClientListener> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();

  private ReboundClient(Vertx vertx, WebSocketClient shared, ReboundClientOptions options) {
    ReboundClientOptions o = new ReboundClientOptions(Objects.requireNonNull(options));
    if (o.url() == null) throw new IllegalArgumentException("ReboundClientOptions.url is required");
    if (o.maxReconnectDelay().compareTo(o.minReconnectDelay()) < 0) {
      throw new IllegalArgumentException("maxReconnectDelay < minReconnectDelay");
    }
    this.ownWsClient = shared == null ? vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxMessageSize(64 * 1024 * 1024)
        .setMaxFrameSize(16 * 1024 * 1024)
        .setTryUsePerMessageCompression(false)
        .setTryUsePerFrameCompression(false)
        .setMaxConnections(Integer.MAX_VALUE)) : null;
    ClientContext ctx = new ClientContext(vertx, vertx.getOrCreateContext());
    this.engine = new ClientEngine(ctx, shared != null ? shared : ownWsClient, o, listeners, subscriptions);
  }

  /** A client with its own WebSocket client. Nothing happens until {@link #connect()}. */
  public static ReboundClient create(Vertx vertx, ReboundClientOptions options) {
    return new ReboundClient(vertx, null, options);
  }

  /**
   * A client that opens its connections with {@code webSocketClient} (shared by many clients, e.g. a load generator;
   * its {@code maxConnections} must allow them all, and its message size limits must fit the server's frames).
   */
  public static ReboundClient create(Vertx vertx, WebSocketClient webSocketClient, ReboundClientOptions options) {
    return new ReboundClient(vertx, Objects.requireNonNull(webSocketClient), options);
  }

  /** The context every listener and future handler of this client runs on. */
  public Context context() {
    return engine.ctx.context;
  }

  public ClientState state() {
    return engine.state;
  }

  /** The client id of the current (or last) connection, null before the first connect reply. */
  public String clientId() {
    return engine.clientId;
  }

  public ReboundClient addListener(ClientListener listener) {
    listeners.add(Objects.requireNonNull(listener));
    return this;
  }

  public ReboundClient removeListener(ClientListener listener) {
    listeners.remove(listener);
    return this;
  }

  /** Starts connecting (and reconnecting after losses) unless already connected or connecting. */
  public void connect() {
    engine.ctx.run(engine::connect);
  }

  /**
   * Disconnects for good (close code 1000: the server ends the session). Unanswered commands fail with
   * {@link ClientClosedException}; subscriptions are kept and resubscribe with recovery on the next {@link #connect()}.
   */
  public void disconnect() {
    engine.ctx.run(engine::disconnect);
  }

  /** Disconnects and releases the client's own WebSocket client. */
  @Override
  public void close() {
    closeAsync();
  }

  public Future<Void> closeAsync() {
    Promise<Void> p = Promise.promise();
    engine.ctx.run(() -> {
      engine.disconnect();
      if (ownWsClient != null) ownWsClient.close().onComplete(ar -> p.tryComplete());
      else p.tryComplete();
    });
    return p.future();
  }

  /** A new client-side subscription (not subscribed yet). One per channel: a second one for the same channel throws. */
  public Subscription newSubscription(String channel) {
    return newSubscription(channel, SubscriptionOptions.defaults());
  }

  public Subscription newSubscription(String channel, SubscriptionOptions options) {
    Subscription s = new Subscription(this, engine, Objects.requireNonNull(channel), options);
    if (subscriptions.putIfAbsent(channel, s) != null) {
      throw new IllegalStateException("a subscription to " + channel + " already exists");
    }
    return s;
  }

  /** The subscription to {@code channel}, or null. */
  public Subscription subscription(String channel) {
    return subscriptions.get(channel);
  }

  public Collection<Subscription> subscriptions() {
    return List.copyOf(subscriptions.values());
  }

  /** Unsubscribes and forgets {@code sub}, so a new subscription to its channel can be created. */
  public void removeSubscription(Subscription sub) {
    sub.unsubscribe();
    engine.ctx.run(() -> subscriptions.remove(sub.channel(), sub));
  }

  /**
   * Publishes {@code data} (a {@link JsonNode} or anything Jackson can serialise) to {@code channel}. The command gets
   * a random idempotency key, kept across resends, so it is applied at most once even when resent after a reconnect.
   * While reconnecting it waits in the recovery buffer; when the buffer is full it fails at once with
   * {@link RecoveryBufferFullException}. Fails with {@link ReplyException} on a server error and with
   * {@link ClientClosedException} when the client is or becomes disconnected / gives up before the reply.
   */
  public Future<Void> publish(String channel, Object data) {
    ObjectNode params = Wire.object().put("channel", channel);
    params.set("data", data instanceof JsonNode n ? n : Wire.JSON.valueToTree(data));
    params.put("idempotency_key", UUID.randomUUID().toString());
    return engine.writer.userCommand("publish", params, r -> null);
  }

  /** Reads a channel's history (buffered and resent like a publish). */
  public Future<HistoryResult> history(String channel, HistoryOptions options) {
    ObjectNode params = Wire.object().put("channel", channel);
    if (options.limit() != 0) params.put("limit", options.limit());
    if (options.since() != null) params.set("since", Wire.position(options.since()));
    if (options.reverse()) params.put("reverse", true);
    if (options.untilAttach()) params.put("until_attach", true);
    return engine.writer.userCommand("history", params, r -> new HistoryResult(Wire.publications(channel, r.get("publications")),
        new StreamPosition(r.path("offset").asLong(0), r.path("epoch").asText(""))));
  }

  /**
   * Exactly the publications a {@link Discontinuity} skipped, {@code (since, attach]}, read forward from history with
   * {@code until_attach} in pages of {@code pageSize}. Fails when the epoch changed ({@link Discontinuity#fillable()}
   * false) or history no longer holds the range (error 112 or a page that does not continue the range).
   */
  public Future<List<Publication>> missedPublications(Discontinuity d, int pageSize) {
    if (!d.fillable()) {
      return Future.failedFuture(new IllegalArgumentException("discontinuity across epochs (" + d.since().epoch() + " -> "
          + d.attach().epoch() + "): the missing range is unknowable, reload the state"));
    }
    Promise<List<Publication>> p = Promise.promise();
    page(d, d.since().offset(), Math.max(1, pageSize), new ArrayList<>(), p);
    return p.future();
  }

  private void page(Discontinuity d, long after, int pageSize, List<Publication> out, Promise<List<Publication>> p) {
    long until = d.attach().offset();
    if (after >= until) {
      p.complete(out);
      return;
    }
    StreamPosition since = new StreamPosition(after, d.since().epoch());
    history(d.channel(), HistoryOptions.since(since, pageSize).untilAttach(true)).onComplete(ar -> {
      if (ar.failed()) {
        p.fail(ar.cause());
        return;
      }
      long last = after;
      for (Publication pub : ar.result().publications()) {
        if (pub.offset() <= last || pub.offset() > until) continue;
        if (pub.offset() != last + 1) {
          p.fail(new IllegalStateException("history no longer holds offset " + (last + 1) + " of " + d.channel()));
          return;
        }
        out.add(pub);
        last = pub.offset();
      }
      if (last == after) { // an empty page before the attach offset: history was trimmed
        p.fail(new IllegalStateException("history of " + d.channel() + " ends at " + after + ", before attach " + until));
        return;
      }
      page(d, last, pageSize, out, p);
    });
  }

  /** Who is subscribed to {@code channel}, by client id. */
  public Future<Map<String, ClientInfo>> presence(String channel) {
    return engine.writer.userCommand("presence", Wire.object().put("channel", channel), r -> {
      Map<String, ClientInfo> out = new LinkedHashMap<>();
      r.path("presence").fields().forEachRemaining(e -> out.put(e.getKey(), Wire.info(e.getValue())));
      return out;
    });
  }

  public Future<PresenceStats> presenceStats(String channel) {
    return engine.writer.userCommand("presence_stats", Wire.object().put("channel", channel),
        r -> new PresenceStats(r.path("num_clients").asInt(0), r.path("num_users").asInt(0)));
  }

  /** Commands waiting for a reply (sent or queued) — the recovery buffer's fill level. */
  public Future<Integer> pendingCommands() {
    Promise<Integer> p = Promise.promise();
    engine.ctx.run(() -> p.complete(engine.commands.size()));
    return p.future();
  }
}
