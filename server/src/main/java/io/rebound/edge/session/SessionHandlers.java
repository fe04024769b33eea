package io.rebound.edge.session;

import io.rebound.codec.Command;
import io.rebound.codec.Replies;
import io.rebound.core.StreamOptions;
import io.rebound.engine.FanoutMessage;
import io.rebound.protocol.Disconnect;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command handlers of one edge, shared by all its sessions, and the edge's way into them: which
 * handler a command goes to ({@link #route}), and the deliveries the hub and the server API make to
 * a session (publications, joins and leaves, lost continuity, server-side subscribe/unsubscribe).
 *
 * <p>Handlers hold no per-connection state (that lives in the session, its {@link Subscription}s and
 * its {@link Keepalive}), so one set per edge serves every connection of that event loop and an idle
 * connection pays for none of them. Confined to the edge's event loop, like its sessions.
 */
public final class SessionHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(SessionHandlers.class);

  final EdgeHost host;
  final EdgeServices services;
  final ConnectHandler connect;
  final SessionResume resume;
  final SubscriptionHandler subscriptions;
  final ContinuityHandler continuity;
  final ChannelCommands channels;

  public SessionHandlers(EdgeHost host, EdgeServices services) {
    this.host = host;
    this.services = services;
    this.connect = new ConnectHandler(this);
    this.resume = new SessionResume(this);
    this.subscriptions = new SubscriptionHandler(this);
    this.continuity = new ContinuityHandler(this);
    this.channels = new ChannelCommands(services);
  }

  /** Hands a command that passed the session's state checks to its handler; errors become error replies. */
  void route(ClientSession session, Command c) {
    try {
      switch (c.method()) {
        case "connect" -> connect.connect(session, c);
        case "refresh" -> connect.refresh(session, c);
        case "subscribe" -> subscriptions.subscribe(session, c);
        case "unsubscribe" -> subscriptions.unsubscribe(session, c);
        case "sub_refresh" -> subscriptions.subRefresh(session, c);
        case "publish" -> channels.publish(session, c);
        case "history" -> channels.history(session, c);
        case "presence" -> channels.presence(session, c);
        case "presence_stats" -> channels.presenceStats(session, c);
        case "ping" -> session.reply(c.id(), "ping", Replies.object());
        case "rpc" -> session.replyError(c.id(), ErrorCode.METHOD_NOT_FOUND.exception());
        case "send" -> session.close(Disconnect.NOT_AVAILABLE); // no message handler configured, as Centrifugo without a proxy
        default -> session.badRequest("unknown method " + c.method());
      }
    } catch (ProtocolException e) {
      session.replyError(c.id(), e);
    } catch (RuntimeException e) {
      LOG.error("event=internal_error method={} {}", c.method(), session.describe(), e);
      session.replyError(c.id(), ErrorCode.INTERNAL.exception());
    }
  }

  // ---- what the edge delivers to a session -----------------------------------------------------

  /** A live publication of a channel {@code session} subscribed to; true when written to the client. */
  public boolean publication(ClientSession session, FanoutMessage msg) {
    Subscription sub = session.subscription(msg.channel());
    if (sub == null || !session.active()) return false;
    if (sub.buffering()) {
      sub.buffer(msg);
      return false;
    }
    return continuity.deliver(session, sub, msg);
  }

  /** A join or leave of a channel {@code session} subscribed to: pushed if the subscription asked for them. */
  public void joinLeave(ClientSession session, FanoutMessage msg) {
    Subscription sub = session.subscription(msg.channel());
    if (sub != null && sub.pushJoinLeave() && sub.live()) session.push(msg.frame());
  }

  /** The edge could not prove {@code channel}'s continuity (an unfillable gap): see {@link ContinuityHandler}. */
  public void insufficientState(ClientSession session, String channel) {
    continuity.insufficientState(session, channel);
  }

  /** How {@code channel}'s stream is kept, for reading it; {@link StreamOptions#DISABLED} when not subscribed. */
  public StreamOptions streamOptions(ClientSession session, String channel) {
    Subscription sub = session.subscription(channel);
    return sub == null ? StreamOptions.DISABLED : sub.options().streamOptions();
  }

  /** Server API: subscribe {@code session} to {@code channel} now (announced with a subscribe push). */
  public void serverSubscribe(ClientSession session, String channel) {
    subscriptions.serverSubscribeNow(session, channel);
  }

  /** Server API: end {@code session}'s subscription to {@code channel} for good (code 2000). */
  public void serverUnsubscribe(ClientSession session, String channel) {
    subscriptions.serverUnsubscribe(session, channel);
  }
}
