package io.rebound.edge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.auth.ConnectClaims;
import io.rebound.auth.TokenException;
import io.rebound.cluster.FanoutMessage;
import io.rebound.config.ClientOptions;
import io.rebound.history.ClientInfo;
import io.rebound.history.StreamOptions;
import io.rebound.protocol.Command;
import io.rebound.protocol.CommandDecoder;
import io.rebound.protocol.Disconnect;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.rebound.protocol.Pushes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
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
 */
public final class ClientSession {

  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
  static final String VERSION = "rebound 0.1";

  enum State { CONNECTING, CONNECTED, CLOSED }

  final EdgeVerticle edge;
  final EdgeServices services;
  final ServerWebSocket ws;
  final Outbound out;
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

  ClientSession(EdgeVerticle edge, EdgeServices services, ServerWebSocket ws, long now) {
    this.edge = edge;
    this.services = services;
    this.ws = ws;
    this.out = new Outbound(ws, edge.flusher(), services.config().client().queueMaxSize(), this::onSlow);
    this.subscribeCommands = new SubscribeCommands(this);
    this.channelCommands = new ChannelCommands(this);
    this.staleDeadline = now + services.config().client().staleCloseDelay().toMillis();
  }

  ClientOptions options() {
    return services.config().client();
  }

  boolean anonymous() {
    return user.isEmpty();
  }

  String describe() {
    return "client=" + (clientId == null ? "-" : clientId) + " user=" + (user.isEmpty() ? "-" : user) + " remote=" + ws.remoteAddress();
  }

  // ---- inbound ---------------------------------------------------------------------------------

  void onFrame(String text) {
    if (state == State.CLOSED) return;
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
          LOG.info("event=invalid_token remote={} reason=\"{}\"", ws.remoteAddress(), e.getMessage());
          close(Disconnect.INVALID_TOKEN);
        }
        return;
      }
    } else if (options().allowAnonymousConnectWithoutToken()) {
      claims = new ConnectClaims("", 0, null, List.of());
    } else {
      LOG.info("event=no_credentials remote={}", ws.remoteAddress());
      close(Disconnect.BAD_REQUEST);
      return;
    }
    if (!services.limits().tryUser(claims.user())) {
      close(Disconnect.CONNECTION_LIMIT);
      return;
    }
    userSlot = true;
    user = claims.user();
    clientId = UUID.randomUUID().toString();
    info = new ClientInfo(user, clientId, claims.info(), null);
    expiresAt = claims.expiresAt();
    state = State.CONNECTED;
    edge.connected(this);
    services.metrics().connected();
    long now = System.currentTimeMillis();
    long ping = options().pingInterval().toMillis();
    // First ping at a random point in (interval/2, interval], so a mass reconnect does not ping in lockstep.
    nextPingAt = ping > 0 ? now + ping / 2 + ThreadLocalRandom.current().nextLong(ping / 2 + 1) : Long.MAX_VALUE;

    long id = c.id();
    subscribeCommands.serverSideSubscriptions(claims.channels(), c.params().get("subs")).onComplete(ar -> {
      if (state != State.CONNECTED) return;
      if (ar.failed()) {
        ProtocolException e = ar.cause() instanceof ProtocolException pe ? pe : ErrorCode.INTERNAL.exception();
        replyError(id, e);
        close(e.error().temporary ? Disconnect.INTERNAL : new Disconnect(3501, e.getMessage()));
        return;
      }
      ObjectNode result = Replies.object();
      result.put("client", clientId);
      result.put("version", VERSION);
      addExpiry(result, nowSec);
      if (!ar.result().isEmpty()) {
        ObjectNode subsNode = result.putObject("subs");
        ar.result().forEach(subsNode::set);
      }
      if (ping > 0) result.put("ping", options().pingInterval().toSeconds());
      if (ping > 0 && options().pongTimeout().toMillis() > 0) result.put("pong", true);
      reply(id, "connect", result);
      subscribeCommands.activateAll();
    });
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
    if (sub == null || state != State.CONNECTED) return false;
    if (sub.state == Subscription.State.SUBSCRIBING) {
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
    out.send(msg.frame());
    return true;
  }

  void onJoinLeave(FanoutMessage msg) {
    Subscription sub = subs == null ? null : subs.get(msg.channel());
    if (sub != null && sub.pushJoinLeave && sub.state == Subscription.State.SUBSCRIBED) out.send(msg.frame());
  }

  /** Continuity of {@code channel} is lost: client-side subscriptions resubscribe, server-side ones reconnect. */
  void insufficientState(String channel) {
    Subscription sub = subs == null ? null : subs.get(channel);
    if (sub == null) return;
    services.metrics().insufficientState();
    LOG.info("event=insufficient_state {} channel={} server_side={}", describe(), channel, sub.serverSide);
    if (sub.serverSide) {
      close(Disconnect.INSUFFICIENT_STATE);
      return;
    }
    subscribeCommands.drop(sub);
    out.send(Pushes.unsubscribe(channel, 2500, "insufficient state"));
  }

  StreamOptions streamOptions(String channel) {
    Subscription sub = subs == null ? null : subs.get(channel);
    return sub == null ? StreamOptions.DISABLED : sub.channel.options().streamOptions();
  }

  void send(Buffer message) {
    out.send(message);
  }

  void reply(long id, String method, ObjectNode result) {
    out.send(Replies.ok(id, method, result));
  }

  void replyError(long id, ProtocolException e) {
    services.metrics().replyError(e.code());
    out.send(Replies.error(id, e));
  }

  // ---- timers and closing ----------------------------------------------------------------------

  void tick(long now) {
    if (state == State.CONNECTING) {
      if (now >= staleDeadline) close(Disconnect.STALE);
      return;
    }
    if (state != State.CONNECTED) return;
    if (pongDeadline > 0 && now >= pongDeadline) {
      close(Disconnect.NO_PONG);
      return;
    }
    if (now >= nextPingAt) {
      out.send(Replies.PING);
      pingOutstanding = true;
      nextPingAt = now + options().pingInterval().toMillis();
      long pong = options().pongTimeout().toMillis();
      if (pong > 0) pongDeadline = now + pong;
    }
    long nowSec = now / 1000;
    long grace = options().expiredCloseDelay().toSeconds();
    if (expiresAt > 0 && nowSec > expiresAt + grace) {
      close(Disconnect.EXPIRED);
      return;
    }
    subscribeCommands.expireSubscriptions(nowSec, grace);
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
    release();
    out.close();
    if (!ws.isClosed()) ws.close((short) reason.code(), reason.reason());
  }

  /** The socket closed (by the client, the network, or us). */
  void onSocketClosed() {
    if (state == State.CLOSED) return;
    release();
    out.close();
  }

  private void release() {
    State was = state;
    state = State.CLOSED;
    if (subs != null) {
      for (Subscription sub : new ArrayList<>(subs.values())) subscribeCommands.drop(sub);
      subs = null;
    }
    if (userSlot) services.limits().userClosed(user);
    edge.released(this, was == State.CONNECTED);
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
