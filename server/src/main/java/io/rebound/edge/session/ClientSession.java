package io.rebound.edge.session;

import io.rebound.codec.Push;
import io.rebound.codec.Result;
import io.rebound.codec.WireCodec;
import io.rebound.config.ClientOptions;
import io.rebound.core.ClientInfo;
import io.rebound.core.StreamPosition;
import io.rebound.edge.transport.Outbound;
import io.rebound.edge.transport.Transport;
import io.rebound.engine.FanoutMessage;
import io.rebound.protocol.Disconnect;
import io.rebound.protocol.ProtocolException;
import io.rebound.webhook.WebhookEvent;
import io.vertx.core.buffer.Buffer;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: an explicit state machine (CONNECTING → CONNECTED → CLOSED). Its frames
 * come in through {@link InboundCommands} (decode, check against the state, hand each command to its
 * handler in {@link SessionHandlers}, shared by the edge's sessions, which see a session only as a
 * {@link SessionContext}); its messages go out through {@link SessionOutput}; connect, resume and
 * keepalive drive the lifecycle through the package-private primitives below. CLOSED is entered only
 * in {@link #close(Disconnect)}, {@link #onClosed} and a resume hand-over.
 *
 * <p>Confined to its edge's event loop ({@link EdgeHost#context()}); never blocks. It reads and
 * writes through a {@link Transport}, never a socket, in one {@link WireCodec}'s format. Timers are
 * not per connection (they cost memory): the edge calls {@link #tick(long)} once a second. A
 * resumable session (docs/EXTENSIONS.md) outlives its socket as DETACHED until a new connection,
 * RESUMING meanwhile, takes it over or its window ends ({@link SessionResume}). A connect whose
 * credentials are checked asynchronously (a JWKS key being fetched) is AUTHENTICATING meanwhile: the
 * commands behind it wait, in order and capped, and a late result for a session closed meanwhile is
 * ignored.
 */
public final class ClientSession implements SessionContext, Transport.Inbound {

  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);

  enum State { CONNECTING, AUTHENTICATING, RESUMING, CONNECTED, DETACHED, CLOSED }

  final SessionHandlers edge;
  final WireCodec codec;
  final Keepalive keepalive;
  private Transport transport;
  private final SessionOutput output;
  private State state = State.CONNECTING;
  private String clientId;
  private String user = "";
  private ClientInfo info;
  private long expiresAt; // epoch seconds, 0 = never
  private final SessionSubscriptions subs = new SessionSubscriptions();
  private final InboundCommands inbound = new InboundCommands(this);
  private boolean userSlot;
  private boolean syncWanted = true;
  private boolean discontinuity;
  /** Not null when resumable (its id, window, numbered messages); see {@link SessionResume}. */
  SessionResume.Resumable resumable;
  /** Not null while RESUMING: the frames that wait for the decision. */
  SessionResume.Pending pending;
  /** Not null when the application backend has hooks ({@link ProxyHooks}). */
  private BackendLink backend;

  /** A new connection on {@code transport} speaking {@code codec}, accepted at {@code now}; bind the transport to it next. */
  public ClientSession(SessionHandlers edge, Transport transport, WireCodec codec, long now) {
    this.edge = edge;
    this.codec = codec;
    this.transport = transport;
    this.keepalive = new Keepalive(this, now);
    this.output = new SessionOutput(this, codec);
    output.open(transport);
  }

  // ---- inbound ---------------------------------------------------------------------------------

  @Override public void onText(Transport from, String text) { onFrame(from, text); }
  @Override public void onBinary(Transport from, Buffer data) { onFrame(from, data); }

  /** A frame, or commands that waited with a resume decision ({@link InboundCommands}). */
  void onFrame(Transport from, Object frame) { inbound.onFrame(from, frame); }

  void badRequest(String why) {
    edge.services.metrics().malformedCommand();
    LOG.info("event=bad_request {} reason=\"{}\"", describe(), why);
    close(Disconnect.BAD_REQUEST);
  }

  /** Server API refresh: the connection now expires at {@code epochSeconds}. */
  public void expireAt(long epochSeconds) { expiresAt = epochSeconds; }

  /** The refresh hook gave the connection new {@code info} (raw JSON): subscriptions made from now on carry it. */
  void connInfo(String connInfo) { info = new ClientInfo(info.user(), info.client(), connInfo, info.chanInfo()); }

  /** The edge's once-a-second timer: stale connects, pings and pongs, expiry, the resume window ({@link Keepalive}). */
  public void tick(long now) { keepalive.tick(state, now); }

  // ---- SessionContext (what the handlers see) -------------------------------------------------

  @Override public String user() { return user; }
  @Override public String clientId() { return clientId; }
  @Override public ClientInfo info() { return info; }
  @Override public long expiresAt() { return expiresAt; }
  @Override public boolean wantsSync() { return syncWanted; }
  @Override public boolean wantsDiscontinuity() { return discontinuity; }
  @Override public ClientOptions options() { return edge.services.config().client(); }
  @Override public Subscription subscription(String channel) { return subs.get(channel); }
  @Override public int subscriptionCount() { return subs.count(); }
  @Override public BackendLink backend() { return backend; }
  void backend(BackendLink link) { backend = link; }
  @Override public void acknowledge(Subscription sub, StreamPosition position) { keepalive.acknowledge(sub, position); }

  /** Connected, or detached awaiting resume: command results and publications still count for it. */
  @Override public boolean active() { return state == State.CONNECTED || state == State.DETACHED; }

  @Override
  public String describe() {
    return "client=" + (clientId == null ? "-" : clientId) + " user=" + (user.isEmpty() ? "-" : user) + " remote=" + transport.remote();
  }

  @Override public Collection<Subscription> subscriptions() { return subs.snapshot(); }
  @Override public void probePing() { if (state == State.CONNECTED) keepalive.probe(); }
  @Override public void push(Push push) { output.push(push); }
  @Override public void reply(long id, Result result) { output.reply(id, result); }

  @Override
  public void addSubscription(Subscription sub) {
    subs.add(sub);
    edge.host.subscribe(sub.name(), this);
  }

  @Override
  public boolean removeSubscription(Subscription sub) {
    if (!subs.remove(sub)) return false;
    edge.host.unsubscribe(sub.name(), this);
    return true;
  }

  @Override public void write(FanoutMessage msg) { output.write(msg); }

  @Override
  public void replyError(long id, ProtocolException e) {
    edge.services.metrics().replyError(e.code());
    if (transport.unidirectional()) {
      close(UnidirectionalRefusal.disconnectFor(e)); // nobody would read an error reply
      return;
    }
    output.error(id, e);
  }

  // ---- lifecycle primitives (ConnectHandler, SessionResume, Keepalive) -------------------------

  State state() { return state; }
  Transport transport() { return transport; }
  /** Straight to the socket, unnumbered, even past a full resume buffer: resent messages. */
  Outbound outbound() { return output.direct(); }
  void sendPing() { output.ping(); }
  /** Connect replies are not numbered: counting starts with the message after them. */
  void sendConnectReply(long id, Result.Connect result) { output.connectReply(id, result); }

  /** CONNECTING → AUTHENTICATING: the connect's credentials are checked asynchronously; later commands wait. */
  void authenticating() {
    state = State.AUTHENTICATING;
    inbound.shut();
  }

  /**
   * AUTHENTICATING → CONNECTING: the credentials' outcome is known; false when the session closed
   * meanwhile (the outcome is to be ignored). The commands that waited run at {@link #releaseCommands}.
   */
  boolean authenticated() {
    if (state != State.AUTHENTICATING) return false;
    state = State.CONNECTING;
    return true;
  }

  @Override public void holdCommands() { inbound.shut(); }
  @Override public void releaseCommands() { inbound.open(); }
  /** The commands that waited since {@link #holdCommands} are dropped (what they relied on failed). */
  void discardHeldCommands() { inbound.clear(); }

  void connectFlags(boolean sync, boolean discontinuity) { this.syncWanted = sync; this.discontinuity = discontinuity; }

  /** CONNECTING → CONNECTED as {@code info}'s user and client, holding a per-user connection slot. */
  void connected(ClientInfo info, long expiresAt, SessionResume.Resumable resumable, long now) {
    this.userSlot = true;
    this.user = info.user();
    this.clientId = info.client();
    this.info = info;
    this.expiresAt = expiresAt;
    this.resumable = resumable;
    output.open(transport); // nothing was queued yet; the new queue knows the connect's extension flags
    this.state = State.CONNECTED;
    edge.host.connected(this);
    edge.services.metrics().connected();
    edge.services.lifecycle().connected(user, clientId);
    keepalive.start(now, true);
  }

  /** CONNECTING → RESUMING with frames waiting in {@code pending}; back to CONNECTING with null (refused). */
  void resuming(SessionResume.Pending pending) {
    this.state = pending != null ? State.RESUMING : State.CONNECTING;
    this.pending = pending;
  }

  /** This connection now belongs to the resumed home session: this object is done, without a close. */
  void handedOver() {
    state = State.CLOSED;
    pending = null;
    output.close();
    edge.host.released(this, false); // the home session keeps the connection slot it always had
  }

  /** DETACHED (or a half-open CONNECTED) → CONNECTED on {@code to}; the token's expiry is the new credential. */
  void attachTransport(Transport to, long expiresAt, long now) {
    this.transport = to;
    output.open(to);
    this.state = State.CONNECTED;
    this.expiresAt = expiresAt;
    keepalive.start(now, false);
  }

  /** CONNECTED → DETACHED: no transport; returns what was queued but not written, in order. */
  List<Buffer> detachTransport() {
    List<Buffer> pending = output.detach();
    state = State.DETACHED;
    keepalive.stop();
    return pending;
  }

  void onSlow() {
    edge.services.metrics().slowDisconnect();
    LOG.info("event=slow_consumer {} queue_limit={}", describe(), options().queueMaxSize());
    close(Disconnect.SLOW);
  }

  // ---- closing ---------------------------------------------------------------------------------

  /** Closes the connection with {@code reason} (sent as the WebSocket close code) and releases everything it held. */
  @Override
  public void close(Disconnect reason) {
    if (state == State.CLOSED) return;
    edge.services.metrics().disconnect(reason.code());
    LOG.debug("event=disconnect {} code={} reason=\"{}\"", describe(), reason.code(), reason.reason());
    release(reason);
    output.close();
    transport.close(reason);
  }

  @Override public void onOversized(Transport from) { if (from == transport) close(Disconnect.MESSAGE_TOO_BIG); }
  @Override public void onError(Transport from, Throwable cause) { LOG.debug("event=socket_error {} error=\"{}\"", describe(), cause.toString()); }

  /**
   * The connection closed (by the client, the network, or us). A resumable session detaches instead
   * of ending, unless the client said goodbye (close code 1000).
   */
  @Override
  public void onClosed(Transport from) {
    if (from != transport) return; // an old connection of a session that moved on
    if (state == State.RESUMING) {
      pending.closed = true;
      return;
    }
    if (state == State.CLOSED || state == State.DETACHED) return;
    if (resumable != null && state == State.CONNECTED && from.closeCode() != Transport.GOODBYE) {
      edge.resume.detach(this, false);
      return;
    }
    release(WebhookEvent.CONNECTION_CLOSED);
    output.close();
  }

  private void release(Disconnect reason) {
    State was = state;
    state = State.CLOSED;
    inbound.clear();
    // Before the subscriptions are dropped: the disconnect ends them, they are not unsubscribes.
    if (was == State.CONNECTED || was == State.DETACHED) edge.services.lifecycle().disconnected(user, clientId, reason);
    if (resumable != null) edge.host.removeResumable(resumable.id, this);
    for (Subscription sub : subs.snapshot()) edge.subscriptions.drop(this, sub);
    subs.clear();
    if (userSlot) edge.services.limits().userClosed(user);
    edge.host.released(this, was == State.CONNECTED || was == State.DETACHED);
  }
}
