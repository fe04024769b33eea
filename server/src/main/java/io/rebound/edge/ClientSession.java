package io.rebound.edge;

import io.rebound.codec.Replies;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.auth.ConnectClaims;
import io.rebound.auth.TokenException;
import io.rebound.engine.FanoutMessage;
import io.rebound.config.ClientOptions;
import io.rebound.core.ClientInfo;
import io.rebound.core.StreamOptions;
import io.rebound.codec.Command;
import io.rebound.codec.CommandDecoder;
import io.rebound.protocol.Disconnect;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.rebound.codec.Pushes;
import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.core.StreamPosition;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: an explicit state machine (CONNECTING → CONNECTED → CLOSED) that decodes
 * commands, enforces auth and limits, and delivers publications in order. Every entry point checks
 * the state first, and the move to CLOSED happens only in {@link #close(Disconnect)}.
 *
 * <p>Confined to its edge's event loop. Timers are not per connection (they cost memory): the edge
 * calls {@link #tick(long)} once a second for pings, pong deadlines, stale and expired connections.
 *
 * <p>A session that asked for resume (docs/EXTENSIONS.md) outlives its socket: when the transport
 * drops it is DETACHED — subscriptions stay, written messages are numbered into its {@link
 * ResumeBuffer} — until a new connection resumes it ({@link #resumeOn}) or its window ends. A new
 * connection asking to resume is RESUMING while the session's home edge decides.
 */
public final class ClientSession {

  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
  static final String VERSION = io.rebound.core.Version.SERVER;

  enum State { CONNECTING, RESUMING, CONNECTED, DETACHED, CLOSED }

  /** Frames a resuming connection may receive before the decision; a well-behaved client sends none. */
  private static final int MAX_FRAMES_WHILE_RESUMING = 64;

  final EdgeVerticle edge;
  final EdgeServices services;
  private Transport transport;
  private Outbound out; // null while detached
  private final SubscribeCommands subscribeCommands;
  private final ChannelCommands channelCommands;
  State state = State.CONNECTING;
  String clientId;
  String user = "";
  ClientInfo info;
  long expiresAt; // epoch seconds, 0 = never
  Map<String, Subscription> subs; // allocated on first subscription: idle connections stay small
  private long staleDeadline;
  private long nextPingAt;
  private long pongDeadline;
  private boolean pingOutstanding; // a ping was sent and its pong has not arrived
  private boolean userSlot;
  /** Extension flags of the connect request (docs/EXTENSIONS.md). */
  boolean syncWanted = true;
  private boolean discontinuity;
  private Resumable resume; // null: not resumable
  private List<String> framesWhileResuming;
  private boolean closedWhileResuming;

  /** What makes a session resumable: its id, window, numbered written messages and the last command id received. */
  private static final class Resumable {
    final String id;
    final long windowMs;
    final ResumeBuffer written;
    long lastCommandId;
    long detachedUntil;

    Resumable(String id, long windowMs, ResumeBuffer written) {
      this.id = id;
      this.windowMs = windowMs;
      this.written = written;
    }
  }

  ClientSession(EdgeVerticle edge, EdgeServices services, ServerWebSocket ws, long now) {
    this.edge = edge;
    this.services = services;
    this.transport = new Transport(ws, edge.context(), edge.context());
    this.out = newOutbound();
    this.subscribeCommands = new SubscribeCommands(this);
    this.channelCommands = new ChannelCommands(this);
    this.staleDeadline = now + services.config().client().staleCloseDelay().toMillis();
  }

  ClientOptions options() {
    return services.config().client();
  }

  private Outbound newOutbound() {
    return new Outbound(transport, edge.flusher(), options().queueMaxSize(), this::onSlow,
        discontinuity ? this::onDropped : null, resume == null ? null : resume.written);
  }

  /** Connected, or detached awaiting resume: command results and publications still count for it. */
  boolean active() {
    return state == State.CONNECTED || state == State.DETACHED;
  }

  boolean anonymous() {
    return user.isEmpty();
  }

  String describe() {
    return "client=" + (clientId == null ? "-" : clientId) + " user=" + (user.isEmpty() ? "-" : user) + " remote=" + transport.remote();
  }

  // ---- inbound ---------------------------------------------------------------------------------

  /** A text frame from {@code from}; frames of a socket this session no longer uses are ignored. */
  void onFrame(ServerWebSocket from, String text) {
    if (from != transport.ws || state == State.CLOSED || state == State.DETACHED) return;
    if (state == State.RESUMING) {
      if (framesWhileResuming.size() >= MAX_FRAMES_WHILE_RESUMING) badRequest("too many frames before the resume completed");
      else framesWhileResuming.add(text);
      return;
    }
    List<Command> commands;
    try {
      commands = CommandDecoder.decodeFrame(text);
    } catch (CommandDecoder.MalformedCommandException e) {
      services.metrics().malformedCommand();
      LOG.info("event=bad_request {} reason=\"{}\"", describe(), e.getMessage());
      close(Disconnect.BAD_REQUEST);
      return;
    }
    // Replies to every command of the frame leave together: Outbound flushes once per event-loop pass.
    for (Command c : commands) {
      if (state == State.CLOSED) break;
      dispatch(c);
    }
  }

  private void dispatch(Command c) {
    if (c.isPong()) {
      // Only an answer to a ping is a pong; anything else is a command without a request (Centrifugo: 3501).
      if (!pingOutstanding) {
        badRequest("pong without a ping");
      } else {
        pingOutstanding = false;
        pongDeadline = 0;
        acknowledgeSync();
      }
      return;
    }
    if (c.method() == null) {
      badRequest("unknown command");
      return;
    }
    if (state == State.CONNECTING && !c.method().equals("connect")) {
      badRequest("command before connect: " + c.method());
      return;
    }
    if (c.id() == 0 && !c.method().equals("send")) {
      badRequest("command without id: " + c.method());
      return;
    }
    if (resume != null && c.id() > 0) {
      // A resumable session's ids grow; one not above the highest seen was received already (its
      // reply is, or will be, in the numbered stream), so a client resending too much is harmless.
      if (c.id() <= resume.lastCommandId) return;
      resume.lastCommandId = c.id();
    }
    try {
      switch (c.method()) {
        case "connect" -> connect(c);
        case "subscribe" -> subscribeCommands.subscribe(c);
        case "unsubscribe" -> subscribeCommands.unsubscribe(c);
        case "sub_refresh" -> subscribeCommands.subRefresh(c);
        case "publish" -> channelCommands.publish(c);
        case "history" -> channelCommands.history(c);
        case "presence" -> channelCommands.presence(c);
        case "presence_stats" -> channelCommands.presenceStats(c);
        case "refresh" -> refresh(c);
        case "ping" -> reply(c.id(), "ping", Replies.object());
        case "rpc" -> replyError(c.id(), ErrorCode.METHOD_NOT_FOUND.exception());
        case "send" -> close(Disconnect.NOT_AVAILABLE); // no message handler configured, as Centrifugo without a proxy
        default -> badRequest("unknown method " + c.method());
      }
    } catch (ProtocolException e) {
      replyError(c.id(), e);
    } catch (RuntimeException e) {
      LOG.error("event=internal_error method={} {}", c.method(), describe(), e);
      replyError(c.id(), ErrorCode.INTERNAL.exception());
    }
  }

  private void badRequest(String why) {
    services.metrics().malformedCommand();
    LOG.info("event=bad_request {} reason=\"{}\"", describe(), why);
    close(Disconnect.BAD_REQUEST);
  }

  // ---- connect / refresh -----------------------------------------------------------------------

  private void connect(Command c) {
    if (state != State.CONNECTING) {
      badRequest("connect on a connected client");
      return;
    }
    String token = c.text("token");
    long nowSec = System.currentTimeMillis() / 1000;
    ConnectClaims claims;
    if (token != null && !token.isEmpty()) {
      try {
        claims = services.verifier().verifyConnect(token, nowSec);
      } catch (TokenException e) {
        if (e.kind() == TokenException.Kind.EXPIRED) {
          replyError(c.id(), ErrorCode.TOKEN_EXPIRED.exception()); // the SDK fetches a new token and reconnects
        } else {
          LOG.info("event=invalid_token remote={} reason=\"{}\"", transport.remote(), e.getMessage());
          close(Disconnect.INVALID_TOKEN);
        }
        return;
      }
    } else if (options().allowAnonymousConnectWithoutToken()) {
      claims = new ConnectClaims("", 0, null, List.of());
    } else {
      LOG.info("event=no_credentials remote={}", transport.remote());
      close(Disconnect.BAD_REQUEST);
      return;
    }
    JsonNode params = c.params();
    syncWanted = params.path("sync").asBoolean(true);
    discontinuity = params.path("discontinuity").asBoolean(false);
    JsonNode resumeRequest = params.get("resume");
    if (resumeRequest != null && resumeRequest.isObject()) {
      ClientSession home = edge.registry().resumable(resumeRequest.path("session").asText(null));
      long received = resumeRequest.path("received").asLong(-1);
      if (home != null && home != this && received >= 0) {
        askToResume(home, c, claims, received);
        return;
      }
      services.metrics().resumeRefused();
      LOG.debug("event=resume_refused remote={} reason=\"unknown session\"", transport.remote());
    }
    establish(c, claims, resumeRequest != null);
  }

  /** A new session: limits, identity, server-side subscriptions, then the connect reply. */
  private void establish(Command c, ConnectClaims claims, boolean resumeRefused) {
    if (!services.limits().tryUser(claims.user())) {
      close(Disconnect.CONNECTION_LIMIT);
      return;
    }
    long nowSec = System.currentTimeMillis() / 1000;
    userSlot = true;
    user = claims.user();
    clientId = UUID.randomUUID().toString();
    info = new ClientInfo(user, clientId, claims.info(), null);
    expiresAt = claims.expiresAt();
    long window = Math.min(options().resumeWindow().toMillis(), Math.max(0, c.number("resume_window", 0)));
    if (window > 0) {
      resume = new Resumable(UUID.randomUUID().toString(), window, new ResumeBuffer(options().resumeBufferSize(), options().queueMaxSize()));
      resume.lastCommandId = c.id();
      edge.registry().addResumable(resume.id, this);
    }
    out = newOutbound(); // nothing was queued yet; the new one knows the connect's extension flags
    state = State.CONNECTED;
    edge.connected(this);
    services.metrics().connected();
    services.lifecycle().connected(user, clientId);
    long now = System.currentTimeMillis();
    long ping = options().pingInterval().toMillis();
    // First ping at a random point in (interval/2, interval], so a mass reconnect does not ping in lockstep.
    nextPingAt = ping > 0 ? now + ping / 2 + ThreadLocalRandom.current().nextLong(ping / 2 + 1) : Long.MAX_VALUE;

    long id = c.id();
    subscribeCommands.serverSideSubscriptions(claims.channels(), c.params().get("subs")).onComplete(ar -> {
      if (!active()) return;
      if (ar.failed()) {
        ProtocolException e = ar.cause() instanceof ProtocolException pe ? pe : ErrorCode.INTERNAL.exception();
        replyError(id, e);
        close(e.error().temporary ? Disconnect.INTERNAL : new Disconnect(3501, e.getMessage()));
        return;
      }
      ObjectNode result = connectResult(nowSec);
      if (resumeRefused) result.put("resumed", false);
      if (!ar.result().isEmpty()) {
        ObjectNode subsNode = result.putObject("subs");
        ar.result().forEach(subsNode::set);
      }
      sendConnectReply(id, result);
      subscribeCommands.activateAll();
    });
  }

  private ObjectNode connectResult(long nowSec) {
    ObjectNode result = Replies.object();
    result.put("client", clientId);
    result.put("version", VERSION);
    addExpiry(result, nowSec);
    if (resume != null) {
      result.put("session", resume.id);
      result.put("resume_window", resume.windowMs);
    }
    long ping = options().pingInterval().toMillis();
    if (ping > 0) result.put("ping", options().pingInterval().toSeconds());
    if (pongEnabled()) result.put("pong", true);
    return result;
  }

  private boolean pongEnabled() {
    return options().pingInterval().toMillis() > 0 && options().pongTimeout().toMillis() > 0;
  }

  /** Connect replies are not numbered: counting starts with the message after them. */
  private void sendConnectReply(long id, ObjectNode result) {
    Buffer reply = Replies.ok(id, "connect", result);
    if (resume != null) resume.written.skipOnce(reply);
    out.send(reply);
  }

  // ---- resume ----------------------------------------------------------------------------------

  /**
   * This new connection asks to continue {@code home}, which lives on its own edge (maybe this one):
   * the home edge decides on its event loop; meanwhile frames wait here, in order.
   */
  private void askToResume(ClientSession home, Command c, ConnectClaims claims, long received) {
    state = State.RESUMING;
    framesWhileResuming = new ArrayList<>(2);
    ServerWebSocket ws = transport.ws;
    Context here = edge.context();
    home.edge.context().runOnContext(v -> {
      boolean accepted = home.resumeOn(ws, here, claims, received, c.id());
      here.runOnContext(x -> resumeDecided(home, accepted, c, claims));
    });
  }

  private void resumeDecided(ClientSession home, boolean accepted, Command c, ConnectClaims claims) {
    if (state != State.RESUMING) return;
    ServerWebSocket ws = transport.ws;
    List<String> frames = framesWhileResuming;
    framesWhileResuming = null;
    if (accepted) {
      // The socket now belongs to the home session: hand it every frame (in order) and the close.
      state = State.CLOSED;
      out.close();
      edge.released(this, false); // the home session keeps the connection slot it always had
      Context homeContext = home.edge.context();
      for (String frame : frames) homeContext.runOnContext(v -> home.onFrame(ws, frame));
      if (closedWhileResuming || ws.isClosed()) {
        // Closed (or its close frame read) while the home decided: Vert.x refuses new handlers on a
        // closed socket (it throws), and the home must learn the socket is gone, with its close code
        // (a goodbye 1000 right behind the resume ends the session; anything else detaches it again).
        homeContext.runOnContext(v -> home.onSocketClosed(ws));
        return;
      }
      ws.textMessageHandler(text -> homeContext.runOnContext(v -> home.onFrame(ws, text)));
      ws.binaryMessageHandler(buf -> homeContext.runOnContext(v -> home.onFrame(ws, buf.toString())));
      ws.exceptionHandler(e -> LOG.debug("event=socket_error {} error=\"{}\"", home.describe(), e.toString()));
      ws.closeHandler(v -> homeContext.runOnContext(x -> home.onSocketClosed(ws)));
      return;
    }
    state = State.CONNECTING;
    services.metrics().resumeRefused();
    if (closedWhileResuming) {
      onSocketClosed(ws);
      return;
    }
    establish(c, claims, true);
    for (String frame : frames) onFrame(ws, frame);
  }

  /**
   * Runs on this (home) session's event loop: moves the session onto {@code ws} if it is resumable
   * by {@code claimedUser} and still holds every message after {@code received}; then the connect
   * reply and the missing messages go out, in their original numbering. A session that cannot be
   * resumed because its messages are gone ends here — the client recovers per channel.
   */
  boolean resumeOn(ServerWebSocket ws, Context socketContext, ConnectClaims claims, long received, long connectId) {
    if (resume == null || !active() || !claims.user().equals(user)) return false;
    if (state == State.DETACHED && System.currentTimeMillis() >= resume.detachedUntil) {
      // The window is over even if the once-a-second tick has not ended the session yet.
      close(Disconnect.NO_PONG);
      return false;
    }
    if (state == State.CONNECTED) detach(true); // the old socket is half-open: the client already left it
    if (!resume.written.covers(received)) {
      LOG.debug("event=resume_refused {} reason=\"messages no longer buffered\" received={} written={}", describe(), received, resume.written.count());
      close(Disconnect.RESUMED_ELSEWHERE);
      return false;
    }
    transport = new Transport(ws, socketContext, edge.context());
    out = newOutbound();
    state = State.CONNECTED;
    expiresAt = claims.expiresAt(); // the resuming connection's token is the current credential
    long now = System.currentTimeMillis();
    long ping = options().pingInterval().toMillis();
    nextPingAt = ping > 0 ? now + ping : Long.MAX_VALUE;
    pingOutstanding = false;
    pongDeadline = 0;
    List<Buffer> missing = resume.written.takeAfter(received);
    ObjectNode result = connectResult(now / 1000);
    result.put("resumed", true);
    result.put("last_command", resume.lastCommandId);
    sendConnectReply(connectId, result);
    // Not through send(): the resend is bounded by the buffer (client_queue_max_size bytes), but with the
    // connect reply and the newlines it can exceed the queue limit and would close the session as slow.
    out.resend(missing);
    services.metrics().resumed();
    LOG.debug("event=session_resumed {} resent={}", describe(), missing.size());
    return true;
  }

  /** The transport is gone but the session stays resumable for its window; unwritten messages are numbered now. */
  private void detach(boolean closeTransport) {
    for (Buffer m : out.closeAndTakePending()) resume.written.record(m);
    out = null;
    if (closeTransport) transport.close(Disconnect.RESUMED_ELSEWHERE);
    state = State.DETACHED;
    pingOutstanding = false;
    pongDeadline = 0;
    resume.detachedUntil = System.currentTimeMillis() + resume.windowMs;
    LOG.debug("event=session_detached {} window_ms={}", describe(), resume.windowMs);
  }

  void addExpiry(ObjectNode result, long nowSec) {
    if (expiresAt > 0) {
      result.put("expires", true);
      result.put("ttl", Math.max(0, expiresAt - nowSec));
    }
  }

  private void refresh(Command c) {
    String token = c.text("token");
    if (token == null || token.isEmpty()) throw ErrorCode.BAD_REQUEST.exception();
    long nowSec = System.currentTimeMillis() / 1000;
    ObjectNode result = Replies.object();
    result.put("client", clientId);
    result.put("version", VERSION);
    try {
      ConnectClaims claims = services.verifier().verifyConnect(token, nowSec);
      if (!claims.user().equals(user)) {
        close(Disconnect.INVALID_TOKEN);
        return;
      }
      expiresAt = claims.expiresAt();
      addExpiry(result, nowSec);
    } catch (TokenException e) {
      if (e.kind() != TokenException.Kind.EXPIRED) {
        close(Disconnect.INVALID_TOKEN);
        return;
      }
      // Expired refresh token: the connection keeps its old expiry and will be closed with 3005 unless refreshed.
      result.put("expires", true);
      result.put("ttl", 0);
    }
    reply(c.id(), "refresh", result);
  }

  // ---- delivery --------------------------------------------------------------------------------

  /** Delivers a live publication of a subscribed channel; true when written to the client. */
  boolean onPublication(FanoutMessage msg) {
    Subscription sub = subs == null ? null : subs.get(msg.channel());
    if (sub == null || !active()) return false;
    if (sub.state == Subscription.State.SUBSCRIBING || sub.syncing) {
      sub.buffer(msg);
      return false;
    }
    return deliver(sub, msg);
  }

  /**
   * Writes {@code msg} if it is the next one for {@code sub}: duplicates are dropped, and a gap or
   * an epoch change ends the subscription with "insufficient state" so the client recovers.
   */
  boolean deliver(Subscription sub, FanoutMessage msg) {
    if (msg.offset() > 0 && sub.positioned) {
      if (!sub.epoch.equals(msg.epoch())) {
        insufficientState(sub.name());
        return false;
      }
      if (msg.offset() <= sub.offset) return false;
      if (msg.offset() != sub.offset + 1) {
        insufficientState(sub.name());
        return false;
      }
      sub.offset = msg.offset();
    }
    emit(msg.frame(), msg);
    return true;
  }

  void onJoinLeave(FanoutMessage msg) {
    Subscription sub = subs == null ? null : subs.get(msg.channel());
    if (sub != null && sub.pushJoinLeave && sub.state == Subscription.State.SUBSCRIBED) emit(msg.frame(), null);
  }

  /** Continuity of {@code channel} is lost: client-side subscriptions resubscribe, server-side ones reconnect. */
  void insufficientState(String channel) {
    Subscription sub = subs == null ? null : subs.get(channel);
    if (sub == null) return;
    services.metrics().insufficientState();
    LOG.info("event=insufficient_state {} channel={} server_side={}", describe(), channel, sub.serverSide);
    if (discontinuity && sub.positioned && sub.state == Subscription.State.SUBSCRIBED && !sub.syncing) {
      reattach(sub);
      return;
    }
    if (sub.serverSide) {
      close(Disconnect.INSUFFICIENT_STATE);
      return;
    }
    subscribeCommands.drop(sub);
    // emit, not out.send: a detached session has no outbound path, the push is numbered for its resume.
    emit(Pushes.unsubscribe(channel, 2500, "insufficient state"), null);
  }

  /**
   * Discontinuity signalling: the subscription stays, re-established at the stream's current top.
   * Live publications are buffered from now on, the top is read, and the client is told what it
   * missed — {@code (since, attach]} — before anything after the new attach point.
   */
  private void reattach(Subscription sub) {
    String channel = sub.name();
    long sinceOffset = sub.offset;
    String sinceEpoch = sub.epoch;
    sub.state = Subscription.State.SUBSCRIBING;
    sub.buffered = null;
    sub.overflowed = false;
    services.history(channel, io.rebound.core.HistoryQuery.topOnly(), sub.channel.options().streamOptions()).onComplete(ar -> {
      if (subs == null || subs.get(channel) != sub || !active()) return;
      if (ar.failed()) {
        // Not even the top is readable: fall back to ending the subscription, the client recovers.
        sub.state = Subscription.State.SUBSCRIBED;
        if (sub.serverSide) {
          close(Disconnect.INSUFFICIENT_STATE);
        } else {
          subscribeCommands.drop(sub);
          emit(Pushes.unsubscribe(channel, 2500, "insufficient state"), null);
        }
        return;
      }
      StreamPosition top = ar.result().top();
      sub.epoch = top.epoch();
      sub.offset = top.offset();
      sub.attachHere();
      String reason = top.epoch().equals(sinceEpoch) ? "gap" : "epoch";
      services.metrics().discontinuity();
      emit(Pushes.discontinuity(channel, reason, sinceOffset, sinceEpoch, top.offset(), top.epoch()), null);
      subscribeCommands.releaseBuffered(sub);
    });
  }

  /**
   * The outbound queue overflowed and its publications were dropped (discontinuity mode): each
   * affected subscription is re-attached at its current position and told what it missed.
   */
  private boolean onDropped(List<FanoutMessage> dropped) {
    Map<String, Long> firstDropped = new LinkedHashMap<>();
    for (FanoutMessage m : dropped) {
      firstDropped.merge(m.channel(), m.offset() > 0 ? m.offset() : Long.MAX_VALUE, Math::min);
    }
    LOG.info("event=overflow_dropped {} publications={} channels={}", describe(), dropped.size(), firstDropped.size());
    for (Map.Entry<String, Long> e : firstDropped.entrySet()) {
      Subscription sub = subs == null ? null : subs.get(e.getKey());
      if (sub == null) continue;
      long since = e.getValue() == Long.MAX_VALUE ? sub.offset : e.getValue() - 1;
      sub.attachHere();
      services.metrics().discontinuity();
      out.send(Pushes.discontinuity(sub.name(), "overflow", since, sub.epoch, sub.offset, sub.epoch));
    }
    return true;
  }

  StreamOptions streamOptions(String channel) {
    Subscription sub = subs == null ? null : subs.get(channel);
    return sub == null ? StreamOptions.DISABLED : sub.channel.options().streamOptions();
  }

  void send(Buffer message) {
    emit(message, null);
  }

  /** Every message but pings goes through here: while detached it is numbered for the resume, not written. */
  private void emit(Buffer message, FanoutMessage publication) {
    if (state == State.DETACHED) resume.written.record(message);
    else if (out != null) out.send(message, publication);
  }

  void reply(long id, String method, ObjectNode result) {
    emit(Replies.ok(id, method, result), null);
  }

  void replyError(long id, ProtocolException e) {
    services.metrics().replyError(e.code());
    emit(Replies.error(id, e), null);
  }

  // ---- timers and closing ----------------------------------------------------------------------

  void tick(long now) {
    if (state == State.CONNECTING) {
      if (now >= staleDeadline) close(Disconnect.STALE);
      return;
    }
    if (state == State.DETACHED) {
      if (now >= resume.detachedUntil) {
        LOG.debug("event=resume_window_over {}", describe());
        close(Disconnect.NO_PONG);
      } else if (expiresAt > 0 && now / 1000 > expiresAt + options().expiredCloseDelay().toSeconds()) {
        close(Disconnect.EXPIRED);
      }
      return;
    }
    if (state != State.CONNECTED) return;
    if (pongDeadline > 0 && now >= pongDeadline) {
      close(Disconnect.NO_PONG);
      return;
    }
    if (now >= nextPingAt) sendPing(now);
    long nowSec = now / 1000;
    long grace = options().expiredCloseDelay().toSeconds();
    if (expiresAt > 0 && nowSec > expiresAt + grace) {
      close(Disconnect.EXPIRED);
      return;
    }
    subscribeCommands.expireSubscriptions(nowSec, grace);
  }

  private void sendPing(long now) {
    out.send(Replies.PING);
    pingOutstanding = true;
    nextPingAt = now + options().pingInterval().toMillis();
    long pong = options().pongTimeout().toMillis();
    if (pong > 0) pongDeadline = now + pong;
    if (subs == null) return;
    // The pong to this ping proves the client processed everything written before it.
    for (Subscription sub : subs.values()) {
      if (sub.userSync) {
        sub.pingOffset = sub.offset;
        sub.pingEpoch = sub.epoch;
      }
    }
  }

  /** A ping now, so a just-delivered sync batch is acknowledged soon (only when pongs are on, and none is pending). */
  void probePing() {
    if (state == State.CONNECTED && pongEnabled() && !pingOutstanding) sendPing(System.currentTimeMillis());
  }

  /** The pong arrived: store, per user-sync subscription, the position written before its ping. */
  private void acknowledgeSync() {
    if (subs == null) return;
    for (Subscription sub : subs.values()) {
      if (!sub.userSync || sub.pingEpoch == null || sub.pingEpoch.isEmpty()) continue;
      if (sub.pingEpoch.equals(sub.ackedEpoch) && sub.pingOffset <= sub.ackedOffset) continue;
      acknowledge(sub, new StreamPosition(sub.pingOffset, sub.pingEpoch));
    }
  }

  /** Stores {@code position} as the user's acknowledged position in {@code sub}'s channel. */
  void acknowledge(Subscription sub, StreamPosition position) {
    sub.ackedOffset = position.offset();
    sub.ackedEpoch = position.epoch();
    Duration ttl = sub.channel.options().streamOptions().metaTtl();
    services.advanceSync(sub.name(), user, position, ttl).onFailure(e ->
        LOG.warn("event=sync_ack_failed {} channel={} error=\"{}\"", describe(), sub.name(), e.getMessage()));
  }

  private void onSlow() {
    services.metrics().slowDisconnect();
    LOG.info("event=slow_consumer {} queue_limit={}", describe(), options().queueMaxSize());
    close(Disconnect.SLOW);
  }

  /** Closes the connection with {@code reason} (sent as the WebSocket close code) and releases everything it held. */
  void close(Disconnect reason) {
    if (state == State.CLOSED) return;
    services.metrics().disconnect(reason.code());
    LOG.debug("event=disconnect {} code={} reason=\"{}\"", describe(), reason.code(), reason.reason());
    release(reason);
    if (out != null) out.close();
    transport.close(reason);
  }

  /**
   * {@code ws} closed (by the client, the network, or us). A resumable session detaches instead of
   * ending, unless the client said goodbye (close code 1000).
   */
  void onSocketClosed(ServerWebSocket ws) {
    if (ws != transport.ws) return; // an old socket of a session that moved on
    if (state == State.RESUMING) {
      closedWhileResuming = true;
      return;
    }
    if (state == State.CLOSED || state == State.DETACHED) return;
    Short code = ws.closeStatusCode();
    if (resume != null && state == State.CONNECTED && (code == null || code != 1000)) {
      detach(false);
      return;
    }
    release(io.rebound.webhook.WebhookEvent.CONNECTION_CLOSED);
    if (out != null) out.close();
  }

  private void release(Disconnect reason) {
    State was = state;
    state = State.CLOSED;
    // Before the subscriptions are dropped: the disconnect ends them, they are not unsubscribes.
    if (was == State.CONNECTED || was == State.DETACHED) services.lifecycle().disconnected(user, clientId, reason);
    if (resume != null) edge.registry().removeResumable(resume.id, this);
    if (subs != null) {
      for (Subscription sub : new ArrayList<>(subs.values())) subscribeCommands.drop(sub);
      subs = null;
    }
    if (userSlot) services.limits().userClosed(user);
    edge.released(this, was == State.CONNECTED || was == State.DETACHED);
  }

  /** Subscriptions by channel; empty map for none (never null for callers outside delivery). */
  Map<String, Subscription> subscriptions() {
    if (subs == null) subs = new HashMap<>(4);
    return subs;
  }

  EdgeServices services() {
    return services;
  }

  SubscribeCommands subscribeCommands() {
    return subscribeCommands;
  }
}
