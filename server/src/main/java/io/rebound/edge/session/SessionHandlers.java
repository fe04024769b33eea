package io.rebound.edge.session;

import io.rebound.codec.ClientCommand;
import io.rebound.codec.Push;
import io.rebound.codec.Request;
import io.rebound.codec.Result;
import io.rebound.codec.UnencodableException;
import io.rebound.codec.WireCodec;
import io.rebound.core.LogSafe;
import io.rebound.core.StreamOptions;
import io.rebound.engine.FanoutMessage;
import io.rebound.protocol.Disconnect;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command handlers of one edge, shared by all its sessions, and the edge's way into them: which
 * handler a request goes to ({@link #route}), and the deliveries the hub and the server API make to
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
  final ProxyHooks proxy;
  final SyncAckPings ackPings;
  private final FanoutFrames[] frames = new FanoutFrames[FanoutMessage.MAX_FORMATS];

  public SessionHandlers(EdgeHost host, EdgeServices services) {
    this.host = host;
    this.services = services;
    this.connect = new ConnectHandler(this);
    this.resume = new SessionResume(this);
    this.subscriptions = new SubscriptionHandler(this);
    this.continuity = new ContinuityHandler(this);
    this.proxy = new ProxyHooks(this, services.proxy());
    this.channels = new ChannelCommands(services, proxy);
    this.ackPings = new SyncAckPings(services.vertx());
  }

  /** Hands a command that passed the session's state checks to its handler; errors become error replies. */
  void route(ClientSession session, ClientCommand c) {
    long id = c.id();
    Request r = c.request();
    try {
      if (r instanceof Request.Connect q) connect.connect(session, id, q);
      else if (r instanceof Request.Refresh q) connect.refresh(session, id, q);
      else if (r instanceof Request.Subscribe q) subscriptions.subscribe(session, id, q);
      else if (r instanceof Request.Unsubscribe q) subscriptions.unsubscribe(session, id, q);
      else if (r instanceof Request.SubRefresh q) subscriptions.subRefresh(session, id, q);
      else if (r instanceof Request.Publish q) channels.publish(session, id, q);
      else if (r instanceof Request.History q) channels.history(session, id, q);
      else if (r instanceof Request.Presence q) channels.presence(session, id, q.channel());
      else if (r instanceof Request.PresenceStats q) channels.presenceStats(session, id, q.channel());
      else if (r instanceof Request.Ping) session.reply(id, Result.Empty.PING);
      else if (r instanceof Request.Rpc q) proxy.rpc(session, id, q);
      else if (r instanceof Request.Send) session.close(Disconnect.NOT_AVAILABLE); // no message handler configured, as Centrifugo without a proxy
      else session.badRequest("unknown method " + c.method());
    } catch (ProtocolException e) {
      session.replyError(id, e);
    } catch (RuntimeException e) {
      LOG.error("event=internal_error method={} {}", c.method(), session.describe(), e);
      session.replyError(id, ErrorCode.INTERNAL.exception());
    }
  }

  /** Fan-out messages as frames of {@code codec}'s format (the message caches them, so each is encoded once per format). */
  Function<FanoutMessage, Buffer> frames(WireCodec codec) {
    FanoutFrames f = frames[codec.format()];
    if (f == null || f.codec != codec) frames[codec.format()] = f = new FanoutFrames(codec);
    return f;
  }

  /**
   * The frame cached for a fan-out message its format cannot carry (binary data, JSON format): the
   * message is encoded, and this logged, once per format like any other; each subscriber using the
   * format is closed with 3506.
   */
  static final Buffer UNENCODABLE = Buffer.buffer(0);

  private record FanoutFrames(WireCodec codec) implements Function<FanoutMessage, Buffer> {
    @Override
    public Buffer apply(FanoutMessage m) {
      try {
        return codec.push(switch (m.kind()) {
          case PUBLICATION -> new Push.Pub(m.channel(), m.publication());
          case JOIN -> new Push.Join(m.channel(), m.info());
          case LEAVE -> new Push.Leave(m.channel(), m.info());
        });
      } catch (UnencodableException e) {
        LOG.warn("event=inappropriate_protocol channel={} offset={} format={} reason=\"{}\" (its subscribers using this format are disconnected with 3506)",
            LogSafe.value(m.channel()), m.offset(), codec.name(), e.getMessage());
        return UNENCODABLE;
      }
    }
  }

  // ---- what the edge delivers to a session -----------------------------------------------------

  /**
   * A live publication of {@code channel} (the edge's own instance of {@code msg}'s channel name, which makes the
   * subscription lookup an identity check) that {@code session} subscribed to; true when written to the client.
   */
  public boolean publication(ClientSession session, String channel, FanoutMessage msg) {
    Subscription sub = session.subscription(channel);
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
    if (sub != null && sub.pushJoinLeave() && sub.live()) session.write(msg);
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
