package io.rebound.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The connection state machine behind {@link ReboundClient}: the {@link ClientState} transitions, opening a transport
 * (with a token from the supplier when one is needed), losing it, reconnecting with backoff, stopping and giving up.
 * The other concerns of a connection are collaborators, mirroring the server's session:
 *
 * <ul>
 *   <li>{@link InboundRouter}: what the server sends (the connect reply, replies to commands, pushes, close codes);</li>
 *   <li>{@link CommandWriter}: what the client sends, in the order a session may see it;</li>
 *   <li>{@link Watchdogs}: the timers that declare a connection dead, and the token refresh;</li>
 *   <li>{@link SessionResume}: the session to resume and its message count;</li>
 *   <li>{@link CommandBuffer}, {@link ServerSubscriptions}, the {@link Subscription}s: state kept across connections.</li>
 * </ul>
 *
 * <p><b>Threading.</b> The engine, its collaborators and every subscription are confined to one Vert.x context
 * ({@link ClientContext}), so no field needs a lock:
 * <ul>
 *   <li>public methods hop onto the context with {@link ClientContext#run};</li>
 *   <li>transport events arrive on it or hop onto it;</li>
 *   <li>timers and token-supplier completions are brought back onto it.</li>
 * </ul>
 * Only {@link #state} and {@link #clientId} are read from other threads (volatile; written on the context). Every
 * asynchronous continuation (transport open, token fetch, timer) first checks that the transport or attempt it began
 * with is still the current one, so a late callback of a dead connection changes nothing. Nothing blocks.
 */
final class ClientEngine {

  /** A close that ends the session on the server (the client stops). */
  private static final short CLOSE_NORMAL = 1000;
  /** Closing with anything but 1000 leaves a resumable session detached on the server (EXTENSIONS.md §2). */
  private static final short CLOSE_RECONNECT = 3000;
  /** A close reason is cut to this many characters: WebSocket allows 123 bytes (ASCII reasons fit). */
  private static final int MAX_CLOSE_REASON = 100;

  final ClientContext ctx;
  final ReboundClientOptions options;
  final CommandBuffer commands;
  final CommandWriter writer;
  final Watchdogs watchdogs;
  final SessionResume resume;
  final ServerSubscriptions serverSubs;
  final ConnectionToken token;
  private final InboundRouter inbound;
  private final Map<String, Subscription> subscriptions;
  private final List<ClientListener> listeners;
  private final WebSocketClient wsClient;
  private final WebSocketConnectOptions connectOptions;
  private final Backoff backoff;

  volatile ClientState state = ClientState.DISCONNECTED;
  volatile String clientId;
  private Transport transport;
  private boolean awaitingConnectReply;
  // Reconnecting.
  private int attempt;
  /** Tells a token fetch of an abandoned attempt from the current one. */
  private int attemptSeq;
  private long tryingSinceNanos;
  /** Why the last connection or attempt failed (a failed command and the give-up event report it). */
  private int lastCode;
  private String lastReason = "";
  private long reconnectTimer = -1;
  private long giveUpTimer = -1;

  ClientEngine(ClientContext ctx, WebSocketClient wsClient, ReboundClientOptions options, List<ClientListener> listeners,
      Map<String, Subscription> subscriptions) {
    this.ctx = ctx;
    this.wsClient = wsClient;
    this.options = options;
    this.listeners = listeners;
    this.subscriptions = subscriptions;
    this.token = new ConnectionToken(options.token(), options.tokenSupplier());
    Random random = options.random() != null ? options.random() : new Random();
    this.backoff = new Backoff(options.minReconnectDelay().toMillis(), options.maxReconnectDelay().toMillis(), random);
    this.connectOptions = new WebSocketConnectOptions().setAbsoluteURI(options.url()).setTimeout(options.timeout().toMillis());
    this.commands = new CommandBuffer(options.recoveryBufferSize());
    this.writer = new CommandWriter(this, commands, subscriptions);
    this.watchdogs = new Watchdogs(this, ctx, options, random);
    this.resume = new SessionResume(options.resumeWindow().toMillis());
    this.serverSubs = new ServerSubscriptions(this);
    this.inbound = new InboundRouter(this, ctx, subscriptions);
  }

  void emit(Consumer<ClientListener> event) {
    ctx.emit(listeners, event, "client");
  }

  // ---- state, for the collaborators

  /** Connected: the connect reply arrived on the current transport. */
  boolean connected() {
    return state == ClientState.CONNECTED && transport != null;
  }

  /** Connected on {@code t} (a timer or callback armed for {@code t} still concerns the current connection). */
  boolean connectedOn(Transport t) {
    return state == ClientState.CONNECTED && transport == t;
  }

  boolean isCurrent(Transport t) {
    return transport == t;
  }

  Transport transport() {
    return transport;
  }

  boolean awaitingConnectReply() {
    return awaitingConnectReply;
  }

  int lastCode() {
    return lastCode;
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
    giveUpTimer = ctx.cancel(giveUpTimer);
    long limit = options.reconnectTimeout().toMillis();
    if (limit > 0) giveUpTimer = ctx.timer(limit, this::giveUp);
  }

  private void startAttempt() {
    reconnectTimer = -1;
    if (!trying()) return;
    int seq = ++attemptSeq;
    if (token.mustFetch()) {
      token.fetch().onComplete(ar -> ctx.run(() -> tokenFetched(seq, ar)));
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
    token.use(ar.result());
    openTransport();
  }

  private void openTransport() {
    Transport t = new Transport(wsClient, inbound);
    transport = t;
    awaitingConnectReply = true;
    watchdogs.awaitConnectReply(t);
    t.open(connectOptions).onComplete(ar -> ctx.run(() -> {
      if (transport != t) return;
      if (ar.failed()) {
        lost(t, ReboundClient.RECONNECT_TRANSPORT_CLOSED, "transport closed: " + ar.cause().getMessage(), true);
        return;
      }
      String connect = connectCommand();
      if (resume.asked()) t.send(connect); // the reply decides between continuing the session and a new one
      else writer.pipelineNewSession(t, connect);
    }));
  }

  private String connectCommand() {
    ObjectNode c = Wire.object();
    if (token.current() != null) c.put("token", token.current());
    if (options.data() != null) c.set("data", options.data());
    c.put("name", options.name());
    if (options.version() != null) c.put("version", options.version());
    resume.addTo(c); // always asked for when there is a session: only the server knows whether it still can
    ObjectNode subs = serverSubs.recoveryRequest();
    if (subs != null) c.set("subs", subs);
    if (!options.sync()) c.put("sync", false);
    if (options.discontinuity()) c.put("discontinuity", true);
    return Wire.command(CommandBuffer.CONNECT_ID, "connect", c);
  }

  /** A connect reply arrived on the current transport; an error one is followed by {@link #lost}. */
  void connectReplyArrived() {
    awaitingConnectReply = false;
    watchdogs.connectReplyArrived();
  }

  /** A successful connect reply: connected, the attempts count and the reconnect timeout start over. */
  void established(String clientId) {
    this.clientId = clientId;
    state = ClientState.CONNECTED;
    attempt = 0;
    giveUpTimer = ctx.cancel(giveUpTimer);
  }

  /** The transport is gone (or must go): reconnect with backoff, or stop when {@code reconnect} is false. */
  void lost(Transport t, int code, String reason, boolean reconnect) {
    if (transport != t) return;
    detachTransport();
    t.close(reconnect ? CLOSE_RECONNECT : CLOSE_NORMAL, reason.length() > MAX_CLOSE_REASON ? reason.substring(0, MAX_CLOSE_REASON) : reason);
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
    reconnectTimer = ctx.cancel(reconnectTimer);
    reconnectTimer = ctx.timer(delay, this::startAttempt);
  }

  /** Forgets the current transport and everything tied to it: its frame, its timers. */
  private Transport detachTransport() {
    Transport t = transport;
    transport = null;
    awaitingConnectReply = false;
    writer.detach();
    watchdogs.cancelAll();
    return t;
  }

  /** Ends everything: no transport, no timer, no session; unanswered commands fail with {@code failure}. */
  private void halt(ClientState next, RuntimeException failure) {
    reconnectTimer = ctx.cancel(reconnectTimer);
    giveUpTimer = ctx.cancel(giveUpTimer);
    Transport t = detachTransport();
    writer.stop();
    if (t != null) t.close(CLOSE_NORMAL, "client stopped");
    state = next;
    resume.forget();
    for (PendingCommand c : commands.drain()) c.complete(null, failure);
    subscriptions.values().forEach(Subscription::clientStopped);
  }

  /** Stops for good (until the application connects again) and tells the listeners. */
  void stop(int code, String reason) {
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
}
