package io.rebound.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection state machine behind {@link ReboundClient}: connect, connect reply, pings, message counting,
 * session resume or per-channel recovery, backoff, giving up. Every field is confined to {@link #context}; the public
 * API hops onto it with {@link #run(Runnable)}.
 */
final class ClientEngine implements Transport.Events {

  private static final Logger LOG = LoggerFactory.getLogger(ReboundClient.class);
  private static final short CLOSE_NORMAL = 1000;
  /** Closing with anything but 1000 leaves a resumable session detached on the server (EXTENSIONS.md §2). */
  private static final short CLOSE_RECONNECT = 3000;

  final Vertx vertx;
  final Context context;
  final ReboundClientOptions o;
  final Map<String, Subscription> subscriptions;
  final CommandBuffer commands;
  final ServerSubscriptions serverSubs = new ServerSubscriptions(this);
  private final WebSocketClient wsClient;
  private final WebSocketConnectOptions connectOptions;
  private final List<ClientListener> listeners;
  private final Backoff backoff;
  private final long timeoutMs;

  volatile ClientState state = ClientState.DISCONNECTED;
  volatile String clientId;
  private Transport transport;
  private boolean awaitingConnectReply;
  private String token;
  private boolean refreshRequired;
  private boolean sendPong;
  private long pingIntervalMs;
  // Session resume (EXTENSIONS.md §2).
  private String session;
  private long received;
  private boolean resumeSent;
  /** Incremented for every new (not resumed) session: tells which commands the current session has seen. */
  private int sessionGen;
  /** Application commands wait until the resubscribes of a new session are answered. */
  private boolean holdUser;
  /** A new session's subscribes went out in the connect's frame, before the reply (centrifuge-js batching). */
  private boolean pipelined;
  // Reconnecting.
  private int attempt;
  private int attemptSeq;
  private long tryingSinceNanos;
  private int lastCode;
  private String lastReason = "";
  private long reconnectTimer = -1;
  private long handshakeTimer = -1;
  private long giveUpTimer = -1;
  private long pingTimer = -1;
  private long commandTimer = -1;
  private long refreshTimer = -1;
  private long lastDataNanos;
  private List<String> batch;

  ClientEngine(Vertx vertx, Context context, WebSocketClient wsClient, ReboundClientOptions o,
      List<ClientListener> listeners, Map<String, Subscription> subscriptions) {
    this.vertx = vertx;
    this.context = context;
    this.wsClient = wsClient;
    this.o = o;
    this.listeners = listeners;
    this.subscriptions = subscriptions;
    this.commands = new CommandBuffer(o.recoveryBufferSize());
    this.backoff = new Backoff(o.minReconnectDelay().toMillis(), o.maxReconnectDelay().toMillis(),
        o.random() != null ? o.random() : new Random());
    this.timeoutMs = o.timeout().toMillis();
    this.token = o.token();
    this.connectOptions = new WebSocketConnectOptions().setAbsoluteURI(o.url()).setTimeout(timeoutMs);
  }

  // ---- context helpers

  void run(Runnable r) {
    if (Vertx.currentContext() == context) r.run();
    else context.runOnContext(v -> r.run());
  }

  void emit(Consumer<ClientListener> event) {
    for (ClientListener l : listeners) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        LOG.warn("event=listener_failed", e);
      }
    }
  }

  private long timer(long ms, Runnable r) {
    return vertx.setTimer(Math.max(1, ms), id -> run(r));
  }

  private void cancel(long timer) {
    if (timer >= 0) vertx.cancelTimer(timer);
  }

  boolean connected() {
    return state == ClientState.CONNECTED && transport != null;
  }

  /** Commands may be written: connected, or a new session's first frame is being built. */
  private boolean canSend() {
    return transport != null && (state == ClientState.CONNECTED || pipelined);
  }

  private boolean trying() {
    return state == ClientState.CONNECTING || state == ClientState.RECONNECTING;
  }

  // ---- lifecycle

  void connect() {
    if (trying() || state == ClientState.CONNECTED) return;
    state = ClientState.CONNECTING;
    attempt = 0;
    beginTrying();
    startAttempt();
  }

  void disconnect() {
    if (state == ClientState.GAVE_UP) state = ClientState.DISCONNECTED;
    if (state == ClientState.DISCONNECTED) return;
    if (state == ClientState.CONNECTED) subscriptions.values().forEach(s -> s.connectionLost(ReboundClient.DISCONNECT_CALLED, "disconnect called"));
    stop(ReboundClient.DISCONNECT_CALLED, "disconnect called");
  }

  private void beginTrying() {
    tryingSinceNanos = System.nanoTime();
    cancel(giveUpTimer);
    giveUpTimer = -1;
    long limit = o.reconnectTimeout().toMillis();
    if (limit > 0) giveUpTimer = timer(limit, this::giveUp);
  }

  private void startAttempt() {
    reconnectTimer = -1;
    if (!trying()) return;
    int seq = ++attemptSeq;
    Supplier<Future<String>> supplier = o.tokenSupplier();
    if (supplier != null && (token == null || refreshRequired)) {
      Future<String> f;
      try {
        f = supplier.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> run(() -> tokenFetched(seq, ar)));
      return;
    }
    openTransport();
  }

  private void tokenFetched(int seq, AsyncResult<String> ar) {
    if (seq != attemptSeq || !trying() || transport != null) return;
    if (ar.failed()) {
      emit(l -> l.onError(ar.cause()));
      retry(ReboundClient.RECONNECT_TOKEN_UNAVAILABLE, "token supplier failed: " + ar.cause().getMessage(), false);
      return;
    }
    if (ar.result() == null || ar.result().isEmpty()) {
      stop(ReboundClient.DISCONNECT_UNAUTHORIZED, "unauthorized");
      return;
    }
    token = ar.result();
    refreshRequired = false;
    openTransport();
  }

  private void openTransport() {
    Transport t = new Transport(wsClient, this);
    transport = t;
    awaitingConnectReply = true;
    handshakeTimer = timer(timeoutMs, () -> {
      handshakeTimer = -1;
      if (transport == t && awaitingConnectReply) lost(t, ReboundClient.RECONNECT_TIMEOUT, "connect timeout", true);
    });
    t.open(connectOptions).onComplete(ar -> run(() -> {
      if (transport != t) return;
      if (ar.failed()) {
        lost(t, ReboundClient.RECONNECT_TRANSPORT_CLOSED, "transport closed: " + ar.cause().getMessage(), true);
        return;
      }
      String connect = connectCommand();
      if (resumeSent) { // the reply decides between continuing the session and a new one
        t.send(connect);
        return;
      }
      // Certainly a new session: subscribes (and commands) follow the connect in the same frame, saving a round trip.
      pipelined = true;
      batch = new ArrayList<>();
      batch.add(connect);
      newSession();
      releaseUnsent();
      flush(t);
    }));
  }

  /** Prepares a new session: a new generation, stale subscription commands dropped, every subscription resubscribing. */
  private void newSession() {
    sessionGen++;
    for (PendingCommand c : commands.all()) {
      switch (c.kind) {
        case USER -> { } // resent once the resubscribes are answered, with new ids and the same idempotency keys
        case UNSUBSCRIBE -> {
          commands.remove(c);
          complete(c, Wire.object(), null);
        }
        default -> commands.remove(c);
      }
    }
    subscriptions.values().forEach(Subscription::newSession);
    holdUser = subscriptions.values().stream().anyMatch(Subscription::awaitingReply);
  }

  private String connectCommand() {
    ObjectNode c = Wire.object();
    if (token != null) c.put("token", token);
    if (o.data() != null) c.set("data", o.data());
    c.put("name", o.name());
    if (o.version() != null) c.put("version", o.version());
    long window = o.resumeWindow().toMillis();
    if (window > 0) c.put("resume_window", window);
    // The server decides whether the session is still resumable (its window, its buffer): always ask.
    resumeSent = window > 0 && session != null;
    if (resumeSent) {
      ObjectNode r = c.putObject("resume");
      r.put("session", session);
      r.put("received", received);
    }
    ObjectNode subs = serverSubs.recoveryRequest();
    if (subs != null) c.set("subs", subs);
    if (!o.sync()) c.put("sync", false);
    if (o.discontinuity()) c.put("discontinuity", true);
    return Wire.command(CommandBuffer.CONNECT_ID, "connect", c);
  }

  /** The transport is gone (or must go): reconnect with backoff, or stop when {@code reconnect} is false. */
  private void lost(Transport t, int code, String reason, boolean reconnect) {
    if (transport != t) return;
    transport = null;
    awaitingConnectReply = false;
    pipelined = false;
    batch = null;
    cancelConnectionTimers();
    t.close(reconnect ? CLOSE_RECONNECT : CLOSE_NORMAL, reason.length() > 100 ? reason.substring(0, 100) : reason);
    boolean wasConnected = state == ClientState.CONNECTED;
    commands.unsendAll();
    if (wasConnected) subscriptions.values().forEach(s -> s.connectionLost(code, reason));
    if (!reconnect) {
      stop(code, reason);
      return;
    }
    if (wasConnected) {
      state = ClientState.RECONNECTING;
      attempt = 0;
      beginTrying();
    }
    retry(code, reason, wasConnected);
  }

  private void retry(int code, String reason, boolean wasConnected) {
    lastCode = code;
    lastReason = reason;
    long delay = backoff.delayMs(attempt);
    attempt++;
    ReconnectingEvent event = new ReconnectingEvent(code, reason, attempt, delay, wasConnected);
    emit(l -> l.onReconnecting(event));
    if (!trying()) return; // a listener called disconnect()
    cancel(reconnectTimer);
    reconnectTimer = timer(delay, this::startAttempt);
  }

  private void cancelConnectionTimers() {
    cancel(handshakeTimer);
    cancel(pingTimer);
    cancel(commandTimer);
    cancel(refreshTimer);
    handshakeTimer = pingTimer = commandTimer = refreshTimer = -1;
  }

  /** Ends everything: no transport, no timer, no session; unanswered commands fail. */
  private void halt(ClientState next, RuntimeException failure) {
    cancelConnectionTimers();
    cancel(reconnectTimer);
    cancel(giveUpTimer);
    reconnectTimer = giveUpTimer = -1;
    Transport t = transport;
    transport = null;
    awaitingConnectReply = false;
    pipelined = false;
    batch = null;
    if (t != null) t.close(CLOSE_NORMAL, "client stopped");
    state = next;
    session = null;
    holdUser = false;
    for (PendingCommand c : commands.drain()) complete(c, null, failure);
    subscriptions.values().forEach(Subscription::clientStopped);
  }

  private void stop(int code, String reason) {
    halt(ClientState.DISCONNECTED, new ClientClosedException(code, reason));
    DisconnectedEvent event = new DisconnectedEvent(code, reason);
    emit(l -> l.onDisconnected(event));
  }

  private void giveUp() {
    giveUpTimer = -1;
    if (!trying()) return;
    long after = (System.nanoTime() - tryingSinceNanos) / 1_000_000;
    halt(ClientState.GAVE_UP, new ClientClosedException(lastCode, "gave up reconnecting after " + after + " ms: " + lastReason));
    GaveUpEvent event = new GaveUpEvent(after, attempt, lastCode, lastReason);
    emit(l -> l.onGaveUp(event));
  }

  // ---- inbound

  @Override
  public void onText(Transport t, String frame) {
    if (Vertx.currentContext() != context) {
      context.runOnContext(v -> onText(t, frame));
      return;
    }
    if (transport != t) return;
    lastDataNanos = System.nanoTime();
    int start = 0;
    int len = frame.length();
    while (start < len && transport == t) {
      int nl = frame.indexOf('\n', start);
      int end = nl < 0 ? len : nl;
      String line = frame.substring(start, end);
      start = end + 1;
      if (line.isBlank()) continue;
      JsonNode m;
      try {
        m = Wire.parse(line);
      } catch (IOException e) {
        lost(t, ReboundClient.RECONNECT_TRANSPORT_CLOSED, "malformed message from server", true);
        return;
      }
      dispatch(t, m);
    }
  }

  private void dispatch(Transport t, JsonNode m) {
    if (m.isObject() && m.isEmpty()) { // server ping; not counted
      if (sendPong && !awaitingConnectReply) t.send("{}");
      return;
    }
    long id = m.path("id").asLong(0);
    if (awaitingConnectReply) {
      if (id == CommandBuffer.CONNECT_ID) connectReply(t, m);
      return;
    }
    received++; // every message after the connect reply but pings counts, in order (EXTENSIONS.md §2)
    if (id > 0) {
      PendingCommand c = commands.remove(id);
      if (c == null) return;
      JsonNode error = m.get("error");
      if (error != null) complete(c, null, Wire.error(error));
      else complete(c, m.has(c.method) ? m.get(c.method) : Wire.object(), null);
      return;
    }
    JsonNode push = m.get("push");
    if (push != null) push(t, push);
  }

  private void complete(PendingCommand c, JsonNode result, Throwable error) {
    try {
      c.callback.reply(result, error);
    } catch (RuntimeException e) {
      LOG.warn("event=reply_handler_failed method={}", c.method, e);
    }
  }

  private void connectReply(Transport t, JsonNode m) {
    awaitingConnectReply = false;
    cancel(handshakeTimer);
    handshakeTimer = -1;
    JsonNode error = m.get("error");
    if (error != null) {
      ReplyException e = Wire.error(error);
      emit(l -> l.onError(e));
      String message = error.path("message").asText("");
      if (e.code() == 109) { // token expired: fetch a new one before the next attempt
        refreshRequired = true;
        lost(t, e.code(), message, o.tokenSupplier() != null);
      } else {
        lost(t, e.code(), message, e.code() < 100 || e.temporary());
      }
      return;
    }
    JsonNode r = m.path("connect");
    boolean resumed = resumeSent && r.path("resumed").asBoolean(false);
    clientId = r.path("client").asText("");
    sendPong = r.path("pong").asBoolean(false);
    pingIntervalMs = r.path("ping").asLong(0) * 1000;
    if (!resumed) received = 0;
    if (r.hasNonNull("session")) session = r.get("session").asText();
    else if (!resumed) session = null;
    state = ClientState.CONNECTED;
    attempt = 0;
    cancel(giveUpTimer);
    giveUpTimer = -1;
    lastDataNanos = System.nanoTime();
    armPingWatch();
    armRefresh(r);
    batch = new ArrayList<>();
    if (resumed) {
      long last = r.path("last_command").asLong(0);
      long now = System.nanoTime();
      for (PendingCommand c : commands.all()) {
        if (c.sentInSession != sessionGen) continue; // never written in this session: released below
        if (c.id > last) send(c);
        else c.sentAtNanos = now; // the server has it: its reply is among the resent messages or still to come
      }
      subscriptions.values().forEach(Subscription::resumed);
    } else if (!pipelined) {
      newSession(); // resume asked for and refused
    } else {
      subscriptions.values().forEach(Subscription::sendIfWaiting); // subscribe() called while the reply was awaited
    }
    pipelined = false;
    releaseUnsent();
    armCommandWatch(); // also covers commands the server had already received: their replies must come
    ConnectedEvent event = new ConnectedEvent(clientId, resumed, r.get("data"));
    emit(l -> l.onConnected(event));
    serverSubs.connected(r.get("subs"), resumed);
    flush(t);
  }

  private void flush(Transport t) {
    List<String> lines = batch;
    batch = null;
    if (lines != null && !lines.isEmpty() && transport == t) t.send(lines);
  }

  /**
   * Writes, with new ids in their original order, the commands the current session has not seen (queued while
   * disconnected, or left from a session that could not be resumed); application commands only once no resubscribe
   * is pending, so that they find their subscriptions in place (publish permission, {@code until_attach}).
   */
  private void releaseUnsent() {
    if (!canSend()) return;
    for (PendingCommand c : commands.all()) {
      if (c.sentInSession == sessionGen || (c.kind == PendingCommand.Kind.USER && holdUser)) continue;
      commands.renumber(c);
      send(c);
    }
  }

  /** A subscription got its subscribe reply (or stopped waiting for it). */
  void subscriptionSettled() {
    if (!holdUser || subscriptions.values().stream().anyMatch(Subscription::awaitingReply)) return;
    holdUser = false;
    releaseUnsent();
  }

  private void push(Transport t, JsonNode p) {
    String channel = p.path("channel").asText("");
    Subscription sub = subscriptions.get(channel);
    JsonNode x;
    if ((x = p.get("pub")) != null) {
      if (sub != null) sub.publication(x);
      else serverSubs.publication(channel, x);
    } else if ((x = p.get("join")) != null) {
      if (sub != null) sub.join(Wire.info(x.get("info")));
    } else if ((x = p.get("leave")) != null) {
      if (sub != null) sub.leave(Wire.info(x.get("info")));
    } else if ((x = p.get("unsubscribe")) != null) {
      int code = x.path("code").asInt(0);
      String reason = x.path("reason").asText("");
      if (sub != null && !serverSubs.has(channel)) sub.unsubscribePush(code, reason);
      else serverSubs.unsubscribed(channel, code, reason);
    } else if ((x = p.get("subscribe")) != null) {
      serverSubs.subscribed(channel, x);
    } else if ((x = p.get("message")) != null) {
      JsonNode data = x.get("data");
      emit(l -> l.onMessage(data));
    } else if ((x = p.get("disconnect")) != null) {
      int code = x.path("code").asInt(0);
      lost(t, code, x.path("reason").asText(""), reconnects(code));
    } else if ((x = p.get("discontinuity")) != null) {
      Discontinuity d = new Discontinuity(channel, x.path("reason").asText(""), Wire.position(x.get("since")), Wire.position(x.get("attach")));
      if (sub != null) sub.discontinuity(d);
      else serverSubs.discontinuity(d);
    }
  }

  @Override
  public void onClose(Transport t, Short code, String reason) {
    run(() -> {
      if (transport != t) return;
      if (code == null || code < 3000) {
        if (code != null && code == 1009) lost(t, ReboundClient.DISCONNECT_MESSAGE_SIZE_LIMIT, "message size limit exceeded", false);
        else lost(t, ReboundClient.RECONNECT_TRANSPORT_CLOSED, "transport closed", true);
        return;
      }
      String text = reason == null ? "" : reason;
      boolean reconnect = reconnects(code);
      if (text.startsWith("{")) { // legacy advice: {"reason": "...", "reconnect": bool}
        try {
          JsonNode advice = Wire.parse(text);
          text = advice.path("reason").asText(text);
          if (advice.has("reconnect")) reconnect = advice.get("reconnect").asBoolean();
        } catch (IOException ignored) {
          // a plain reason that happens to start with '{'
        }
      }
      lost(t, code, text, reconnect);
    });
  }

  /** Centrifugo's rule: 3500–3999 and 4500–4999 mean "do not reconnect". */
  static boolean reconnects(int code) {
    return !((code >= 3500 && code < 4000) || (code >= 4500 && code < 5000));
  }

  // ---- outbound

  /** Writes a buffered command to the connection now (or into the batch being built); no-op while disconnected. */
  void send(PendingCommand c) {
    if (!canSend() || (c.kind == PendingCommand.Kind.USER && holdUser)) return;
    c.sentAtNanos = System.nanoTime();
    c.sentInSession = sessionGen;
    if (batch != null) batch.add(c.encode());
    else transport.send(c.encode());
    armCommandWatch();
  }

  /** An application command (publish, history, presence…): kept until answered, refused when the buffer is full. */
  <T> Future<T> userCommand(String method, ObjectNode params, Function<JsonNode, T> result) {
    Promise<T> p = Promise.promise();
    run(() -> {
      if (state == ClientState.DISCONNECTED || state == ClientState.GAVE_UP) {
        p.fail(new ClientClosedException(lastCode, "client is " + state.name().toLowerCase().replace('_', ' ')));
        return;
      }
      if (commands.full()) {
        p.fail(new RecoveryBufferFullException(commands.capacity()));
        return;
      }
      send(commands.add(method, params, PendingCommand.Kind.USER, (res, err) -> {
        if (err != null) p.tryFail(err);
        else p.tryComplete(result.apply(res));
      }));
    });
    return p.future();
  }

  // ---- watchdogs

  private void armPingWatch() {
    cancel(pingTimer);
    pingTimer = -1;
    long limit = pingIntervalMs + o.maxServerPingDelay().toMillis();
    if (pingIntervalMs <= 0 || o.maxServerPingDelay().isZero()) return;
    Transport t = transport;
    pingTimer = timer(limit, () -> checkPing(t, limit));
  }

  private void checkPing(Transport t, long limit) {
    pingTimer = -1;
    if (transport != t || state != ClientState.CONNECTED) return;
    long silentMs = (System.nanoTime() - lastDataNanos) / 1_000_000;
    if (silentMs >= limit) lost(t, ReboundClient.RECONNECT_NO_PING, "no ping", true);
    else pingTimer = timer(limit - silentMs, () -> checkPing(t, limit));
  }

  private void armCommandWatch() {
    if (commandTimer >= 0 || !connected()) return;
    PendingCommand oldest = commands.oldestSent();
    if (oldest == null) return;
    Transport t = transport;
    long due = timeoutMs - (System.nanoTime() - oldest.sentAtNanos) / 1_000_000;
    commandTimer = timer(due, () -> {
      commandTimer = -1;
      if (transport != t || state != ClientState.CONNECTED) return;
      PendingCommand c = commands.oldestSent();
      if (c == null) return;
      if ((System.nanoTime() - c.sentAtNanos) / 1_000_000 >= timeoutMs) {
        lost(t, ReboundClient.RECONNECT_TIMEOUT, "no reply to " + c.method + " within " + timeoutMs + " ms", true);
      } else {
        armCommandWatch();
      }
    });
  }

  private void armRefresh(JsonNode result) {
    cancel(refreshTimer);
    refreshTimer = -1;
    if (!result.path("expires").asBoolean(false) || o.tokenSupplier() == null) return;
    long ttlMs = Math.min(result.path("ttl").asLong(0) * 1000, Integer.MAX_VALUE);
    refreshTimer = timer(ttlMs, this::refreshToken);
  }

  private void refreshToken() {
    refreshTimer = -1;
    if (!connected()) return;
    Transport t = transport;
    Future<String> f;
    try {
      f = o.tokenSupplier().get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> run(() -> {
      if (transport != t || !connected()) return;
      if (ar.failed()) {
        emit(l -> l.onError(ar.cause()));
        refreshTimer = timer(5000 + new Random().nextInt(5000), this::refreshToken);
        return;
      }
      if (ar.result() == null || ar.result().isEmpty()) {
        stop(ReboundClient.DISCONNECT_UNAUTHORIZED, "unauthorized");
        return;
      }
      token = ar.result();
      ObjectNode params = Wire.object().put("token", token);
      send(commands.add("refresh", params, PendingCommand.Kind.CONTROL, (res, err) -> {
        if (err instanceof ReplyException re) {
          emit(l -> l.onError(re));
          if (re.code() < 100 || re.temporary()) refreshTimer = timer(5000 + new Random().nextInt(5000), this::refreshToken);
          else stop(re.code(), re.getMessage());
        } else if (res != null && transport == t) {
          armRefresh(res);
        }
      }));
    }));
  }
}
