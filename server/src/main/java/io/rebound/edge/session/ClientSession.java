package io.rebound.edge.session;

import io.rebound.codec.BadFrameException;
import io.rebound.codec.ClientCommand;
import io.rebound.codec.Push;
import io.rebound.codec.Request;
import io.rebound.codec.Result;
import io.rebound.codec.WireCodec;
import io.rebound.config.ClientOptions;
import io.rebound.core.ClientInfo;
import io.rebound.core.LogSafe;
import io.rebound.core.StreamPosition;
import io.rebound.edge.transport.Outbound;
import io.rebound.edge.transport.Transport;
import io.rebound.engine.FanoutMessage;
import io.rebound.protocol.Disconnect;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: an explicit state machine (CONNECTING → CONNECTED → CLOSED) that decodes
 * commands, checks the state first and hands each to its handler ({@link SessionHandlers}, shared by
 * the edge's sessions, which see a session only as a {@link SessionContext}); connect, resume and
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

  /** Commands a connection may send behind a connect still being authenticated; a well-behaved client sends few. */
  static final int MAX_HELD_WHILE_AUTHENTICATING = 64;
  /**
   * Commands that may wait behind a connected session's command that is being authorized (a
   * subscribe whose token key is fetched): an SDK resubscribing every channel after a reconnect sends
   * one subscribe per channel at once, so this is well above a channel limit, yet bounded.
   */
  static final int MAX_HELD_COMMANDS = 1024;

  /** Commands already decoded that wait (behind an authenticating or resuming connect) and are run later, in order. */
  record HeldCommands(List<ClientCommand> commands) {}

  final SessionHandlers edge;
  final WireCodec codec;
  private final Keepalive keepalive;
  private Transport transport;
  private Outbound out; // null while detached
  private State state = State.CONNECTING;
  private String clientId;
  private String user = "";
  private ClientInfo info;
  private long expiresAt; // epoch seconds, 0 = never
  private Map<String, Subscription> subs; // allocated on first subscription: idle connections stay small
  private boolean userSlot;
  private boolean syncWanted = true;
  private boolean discontinuity;
  private CommandBudget budget; // on the first command that needs one: idle connections stay small
  /** Not null when resumable (its id, window, numbered messages); see {@link SessionResume}. */
  SessionResume.Resumable resumable;
  /** Not null while RESUMING: the frames that wait for the decision. */
  SessionResume.Pending pending;
  /** Not null while commands wait: for the connect's credentials (AUTHENTICATING) or a command being authorized. */
  private List<ClientCommand> held;

  /** A new connection on {@code transport} speaking {@code codec}, accepted at {@code now}; bind the transport to it next. */
  public ClientSession(SessionHandlers edge, Transport transport, WireCodec codec, long now) {
    this.edge = edge;
    this.codec = codec;
    this.transport = transport;
    this.keepalive = new Keepalive(this, now);
    this.out = newOutbound();
  }

  Outbound newOutbound() {
    return new Outbound(transport, edge.host.flusher(), codec, options().queueMaxSize(), this::onSlow,
        discontinuity ? subs -> edge.continuity.onDropped(this, subs) : null, resumable == null ? null : resumable.written);
  }

  // ---- inbound ---------------------------------------------------------------------------------

  @Override public void onText(Transport from, String text) { onFrame(from, text); }
  @Override public void onBinary(Transport from, Buffer data) { onFrame(from, data); }

  /**
   * A text ({@code String}) or binary ({@code Buffer}) frame from {@code from}, or {@link
   * HeldCommands} that waited; frames of a transport this session no longer uses are ignored.
   */
  void onFrame(Transport from, Object frame) {
    if (from != transport || state == State.CLOSED || state == State.DETACHED) return;
    if (state == State.RESUMING) {
      edge.resume.hold(this, frame);
      return;
    }
    List<ClientCommand> commands;
    try {
      if (frame instanceof HeldCommands h) commands = h.commands();
      else commands = frame instanceof String text ? codec.decode(text) : codec.decode((Buffer) frame);
    } catch (BadFrameException e) {
      badRequest(e.getMessage());
      return;
    }
    run(commands);
  }

  /**
   * Runs decoded commands in order. Those behind a command that is still being decided wait: here
   * behind a connect's credentials (AUTHENTICATING) or another command being authorized ({@link
   * #holdCommands}), or with the frames behind a resume decision (RESUMING).
   */
  void run(List<ClientCommand> commands) {
    // Replies to every command of the frame leave together: Outbound flushes once per event-loop pass.
    for (int i = 0; i < commands.size(); i++) {
      if (state == State.CLOSED) return;
      if (state == State.RESUMING) {
        edge.resume.hold(this, new HeldCommands(List.copyOf(commands.subList(i, commands.size()))));
        return;
      }
      ClientCommand c = commands.get(i);
      if (held == null) {
        dispatch(c);
      } else if (held.size() >= (state == State.AUTHENTICATING ? MAX_HELD_WHILE_AUTHENTICATING : MAX_HELD_COMMANDS)) {
        badRequest("too many commands while " + (state == State.AUTHENTICATING ? "the connect" : "a command") + " was being authorized");
        return;
      } else {
        held.add(c);
      }
    }
  }

  private void dispatch(ClientCommand c) {
    if (c.isPong()) {
      keepalive.onPong();
    } else if (c.request() == null) {
      badRequest("unknown command");
    } else if (state == State.CONNECTING && !(c.request() instanceof Request.Connect)) {
      badRequest("command before connect: " + c.method());
    } else if (c.id() == 0 && !(c.request() instanceof Request.Send)) {
      badRequest("command without id: " + c.method());
    } else if (resumable == null || c.id() == 0 || resumable.firstSight(c.id())) {
      edge.route(this, c);
    }
  }

  void badRequest(String why) {
    edge.services.metrics().malformedCommand();
    LOG.info("event=bad_request {} reason={}", describe(), LogSafe.value(why));
    close(Disconnect.BAD_REQUEST);
  }

  /** Server API refresh: the connection now expires at {@code epochSeconds}. */
  public void expireAt(long epochSeconds) { expiresAt = epochSeconds; }

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
  @Override public Subscription subscription(String channel) { return subs == null ? null : subs.get(channel); }
  @Override public int subscriptionCount() { return subs == null ? 0 : subs.size(); }
  @Override public void acknowledge(Subscription sub, StreamPosition position) { keepalive.acknowledge(sub, position); }

  /** Connected, or detached awaiting resume: command results and publications still count for it. */
  @Override public boolean active() { return state == State.CONNECTED || state == State.DETACHED; }

  @Override
  public CommandBudget budget() {
    if (budget == null) budget = new CommandBudget(edge.services.config().limits(), System.nanoTime());
    return budget;
  }

  @Override
  public String describe() {
    return "client=" + (clientId == null ? "-" : clientId) + " user=" + (user.isEmpty() ? "-" : LogSafe.value(user))
        + " remote=" + LogSafe.value(transport.remote());
  }

  @Override public Collection<Subscription> subscriptions() { return subs == null ? List.of() : new ArrayList<>(subs.values()); }
  @Override public void probePing() { if (state == State.CONNECTED) keepalive.probe(); }
  @Override public void push(Push push) { emit(codec.push(push), null); }
  @Override public void reply(long id, Result result) { emit(codec.reply(id, result), null); }

  @Override
  public void addSubscription(Subscription sub) {
    if (subs == null) subs = new HashMap<>(4);
    subs.put(sub.name(), sub);
    edge.host.subscribe(sub.name(), this);
  }

  @Override
  public boolean removeSubscription(Subscription sub) {
    if (subs == null || !subs.remove(sub.name(), sub)) return false;
    edge.host.unsubscribe(sub.name(), this);
    return true;
  }

  /** The message's frame in this connection's format: encoded once per format, shared by every subscriber using it. */
  @Override
  public void write(FanoutMessage msg) {
    emit(msg.frame(codec.format(), edge.frames(codec)), msg.kind() == FanoutMessage.Kind.PUBLICATION ? msg : null);
  }

  @Override
  public void replyError(long id, ProtocolException e) {
    edge.services.metrics().replyError(e.code());
    emit(codec.error(id, e), null);
  }

  /** Every message but pings and connect replies goes through here: while detached it is numbered for the resume, not written. */
  private void emit(Buffer message, FanoutMessage publication) {
    if (state == State.DETACHED) resumable.written.record(message);
    else if (out != null) out.send(message, publication);
  }

  // ---- lifecycle primitives (ConnectHandler, SessionResume, Keepalive) -------------------------

  State state() { return state; }
  Transport transport() { return transport; }
  /** Straight to the socket, unnumbered, even past a full resume buffer: resent messages. */
  Outbound outbound() { return out; }
  void sendPing() { out.send(codec.ping()); }

  /** Connect replies are not numbered: counting starts with the message after them. */
  void sendConnectReply(long id, Result.Connect result) {
    Buffer reply = codec.reply(id, result);
    if (resumable != null) resumable.written.skipOnce(reply);
    out.send(reply);
  }

  /** CONNECTING → AUTHENTICATING: the connect's credentials are checked asynchronously; later commands wait. */
  void authenticating() {
    state = State.AUTHENTICATING;
    holdCommands();
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

  @Override
  public void holdCommands() {
    if (held == null) held = new ArrayList<>(2);
  }

  @Override
  public void releaseCommands() {
    List<ClientCommand> waited = held;
    held = null;
    if (waited != null && state != State.CLOSED) run(waited);
  }

  void connectFlags(boolean sync, boolean discontinuity) { this.syncWanted = sync; this.discontinuity = discontinuity; }

  /** CONNECTING → CONNECTED as {@code info}'s user and client, holding a per-user connection slot. */
  void connected(ClientInfo info, long expiresAt, SessionResume.Resumable resumable, long now) {
    this.userSlot = true;
    this.user = info.user();
    this.clientId = info.client();
    this.info = info;
    this.expiresAt = expiresAt;
    this.resumable = resumable;
    this.out = newOutbound(); // nothing was queued yet; the new one knows the connect's extension flags
    this.state = State.CONNECTED;
    edge.host.connected(this);
    edge.services.metrics().connected();
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
    out.close();
    edge.host.released(this, false); // the home session keeps the connection slot it always had
  }

  /** DETACHED (or a half-open CONNECTED) → CONNECTED on {@code to}; the token's expiry is the new credential. */
  void attachTransport(Transport to, long expiresAt, long now) {
    this.transport = to;
    this.out = newOutbound();
    this.state = State.CONNECTED;
    this.expiresAt = expiresAt;
    keepalive.start(now, false);
  }

  /** CONNECTED → DETACHED: no transport; returns what was queued but not written, in order. */
  List<Buffer> detachTransport() {
    List<Buffer> pending = out.closeAndTakePending();
    out = null;
    state = State.DETACHED;
    keepalive.stop();
    return pending;
  }

  private void onSlow() {
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
    LOG.debug("event=disconnect {} code={} reason={}", describe(), reason.code(), LogSafe.value(reason.reason()));
    release();
    if (out != null) out.close();
    transport.close(reason);
  }

  @Override public void onOversized(Transport from) { if (from == transport) close(Disconnect.MESSAGE_TOO_BIG); }
  @Override public void onError(Transport from, Throwable cause) { LOG.debug("event=socket_error {} error={}", describe(), LogSafe.value(cause.toString())); }

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
    release();
    if (out != null) out.close();
  }

  private void release() {
    State was = state;
    state = State.CLOSED;
    held = null;
    if (resumable != null) edge.host.removeResumable(resumable.id, this);
    for (Subscription sub : subscriptions()) edge.subscriptions.drop(this, sub);
    subs = null;
    if (userSlot) edge.services.limits().userClosed(user);
    edge.host.released(this, was == State.CONNECTED || was == State.DETACHED);
  }
}
