package io.rebound.loadtest;

import io.vertx.core.Promise;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One raw-protocol client that behaves like centrifuge-js: connect + subscribes in one frame, pongs,
 * full-jitter reconnect on any drop, resubscribe with {@code recover/offset/epoch}, resubscribe on an
 * unsubscribe push with code >= 2500. Confined to its shard's event loop.
 */
final class ReconnectingClient implements FrameScanner.Listener {

  /** The centrifuge-js per-call timeout: no connect/subscribe reply within it means reconnect. */
  static final long HANDSHAKE_TIMEOUT_MS = 5000;

  private enum State { DISCONNECTED, CONNECTING, CONNECTED, CLOSED }

  private final ClientShard shard;
  private final ReconnectStats stats;
  private final String token;
  final SubscriptionState[] subs;
  /** Completes the first time the client is connected and subscribed (the initial ramp waits for it). */
  final Promise<Void> firstReady = Promise.promise();
  private ClientWebSocket ws;
  private State state = State.DISCONNECTED;
  private int attempt;
  private int nextId;
  private boolean pong;
  private long handshakeTimer = -1;
  /** Disruption generation this client is recovering from; 0 = not recovering. */
  private int recoveringFrom;

  ReconnectingClient(ClientShard shard, String token, SubscriptionState personal, SubscriptionState shared) {
    this.shard = shard;
    this.stats = shard.stats();
    this.token = token;
    this.subs = new SubscriptionState[] {personal, shared};
  }

  void connect() {
    if (state == State.CLOSED) return;
    state = State.CONNECTING;
    stats.connectAttempts.increment();
    ClientWebSocket socket = shard.client().webSocket();
    ws = socket;
    socket.textMessageHandler(frame -> {
      if (ws == socket) FrameScanner.scan(frame, this);
    });
    socket.closeHandler(v -> dropped(socket));
    socket.exceptionHandler(e -> {});
    socket.connect(shard.target())
        .compose(w -> w.writeTextMessage(handshake()))
        .onFailure(e -> dropped(socket));
    handshakeTimer = shard.vertx().setTimer(HANDSHAKE_TIMEOUT_MS, t -> {
      handshakeTimer = -1;
      if (ws == socket && !ready()) {
        socket.close();
        dropped(socket);
      }
    });
  }

  private String handshake() {
    nextId = 1;
    StringBuilder b = new StringBuilder(512).append("{\"id\":").append(nextId++).append(",\"connect\":{\"token\":\"").append(token)
        .append("\",\"name\":\"massreconnect\"}}");
    for (SubscriptionState s : subs) {
      s.subscribed = false;
      s.pendingId = nextId++;
      b.append('\n').append(s.subscribeCommand(s.pendingId));
    }
    return b.toString();
  }

  /** The socket is gone (closed by the balancer or broker, or never opened): back off and retry. */
  private void dropped(ClientWebSocket socket) {
    if (ws != socket) return;
    ws = null;
    if (handshakeTimer >= 0) shard.vertx().cancelTimer(handshakeTimer);
    handshakeTimer = -1;
    if (state == State.CONNECTED) {
      stats.connected.decrementAndGet();
      stats.disconnects.increment();
    }
    for (SubscriptionState s : subs) s.subscribed = false;
    int gen = stats.generation();
    if (gen > 0 && recoveringFrom != gen) {
      recoveringFrom = gen;
      stats.affected(gen);
    }
    if (state == State.CLOSED) return;
    state = State.DISCONNECTED;
    long delay = Backoff.delayMs(attempt++, shard.options().backoffMinMs, shard.options().backoffMaxMs);
    shard.vertx().setTimer(delay, t -> connect());
  }

  boolean ready() {
    return state == State.CONNECTED && subs[0].subscribed && subs[1].subscribed;
  }

  void close() {
    boolean wasConnected = state == State.CONNECTED;
    state = State.CLOSED;
    if (wasConnected) stats.connected.decrementAndGet();
    ClientWebSocket socket = ws;
    ws = null;
    if (socket != null) socket.close();
  }

  @Override
  public void onPing() {
    if (pong && ws != null) ws.writeTextMessage("{}");
  }

  @Override
  public void onPublication(long seq, long t, long offset) {
    stats.stray.increment();
  }

  @Override
  public void onPublication(String frame, int channelStart, int channelEnd, long seq, long t, long offset) {
    SubscriptionState sub = channelStart < 0 ? null : byChannel(frame, channelStart, channelEnd);
    // The SDK ignores publications of a subscription that is not in the subscribed state.
    if (sub == null || !sub.subscribed) {
      stats.stray.increment();
      return;
    }
    sub.accept(seq, offset, stats);
  }

  private SubscriptionState byChannel(String frame, int start, int end) {
    for (SubscriptionState s : subs) {
      if (s.channel.length() == end - start && frame.startsWith(s.channel, start)) return s;
    }
    return null;
  }

  @Override
  public void onOtherPush(String line) {
    JsonObject push = parse(line);
    if (push == null) return;
    JsonObject p = push.getJsonObject("push");
    JsonObject unsub = p == null ? null : p.getJsonObject("unsubscribe");
    if (unsub == null) return;
    stats.insufficientState.increment();
    SubscriptionState sub = null;
    for (SubscriptionState s : subs) if (s.channel.equals(p.getString("channel"))) sub = s;
    // Codes >= 2500 ask the client to resubscribe (with recovery); lower codes are final.
    if (sub != null && unsub.getInteger("code", 0) >= 2500 && ws != null) {
      sub.subscribed = false;
      sub.pendingId = nextId++;
      ws.writeTextMessage(sub.subscribeCommand(sub.pendingId));
    }
  }

  @Override
  public void onReply(String line) {
    JsonObject reply = parse(line);
    if (reply == null) return;
    int id = reply.getInteger("id", 0);
    if (reply.containsKey("error")) {
      stats.error("reply to command " + id + ": " + line);
      if (ws != null) ws.close();
      return;
    }
    if (id == 1) {
      JsonObject result = reply.getJsonObject("connect");
      pong = result != null && result.getBoolean("pong", false);
      state = State.CONNECTED;
      attempt = 0;
      stats.connected.incrementAndGet();
    } else {
      for (SubscriptionState s : subs) {
        if (s.pendingId == id) subscribed(s, reply.getJsonObject("subscribe", new JsonObject()));
      }
    }
    if (ready()) {
      firstReady.tryComplete();
      if (recoveringFrom != 0) stats.recoveredFrom(recoveringFrom);
      recoveringFrom = 0;
    }
  }

  private void subscribed(SubscriptionState s, JsonObject result) {
    s.pendingId = 0;
    s.subscribed = true;
    boolean recovered = result.getBoolean("recovered", false);
    if (result.getBoolean("was_recovering", false)) {
      if (recovered) stats.recovered.increment();
      else {
        // The app would reload this channel's state from its database: counted apart, never as loss.
        stats.unrecovered.increment();
        s.lastSeq = SubscriptionState.UNKNOWN;
      }
    } else {
      stats.freshSubscribes.increment();
    }
    s.recoverable = result.getBoolean("recoverable", false);
    s.epoch = result.getString("epoch", "");
    s.offset = result.getLong("offset", 0L);
    JsonArray pubs = result.getJsonArray("publications");
    if (pubs == null) return;
    for (int i = 0; i < pubs.size(); i++) {
      JsonObject pub = pubs.getJsonObject(i);
      JsonObject data = pub.getJsonObject("data");
      long seq = data == null ? FrameScanner.NO_VALUE : data.getLong("seq", FrameScanner.NO_VALUE);
      s.accept(seq, pub.getLong("offset", FrameScanner.NO_VALUE), stats);
    }
  }

  private JsonObject parse(String line) {
    try {
      return new JsonObject(line);
    } catch (DecodeException e) {
      stats.error("unparseable line " + line);
      return null;
    }
  }
}
