package io.rebound.edge.session;

import io.rebound.auth.SubscribeClaims;
import io.rebound.auth.TokenException;
import io.rebound.bus.Errors;
import io.rebound.channel.ChannelName;
import io.rebound.codec.Push;
import io.rebound.codec.Request;
import io.rebound.codec.Result;
import io.rebound.config.ChannelOptions;
import io.rebound.core.ClientInfo;
import io.rebound.core.StreamPosition;
import io.rebound.engine.FanoutMessage;
import io.rebound.protocol.Disconnect;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.rebound.protocol.UnsubscribeCode;
import io.rebound.recovery.RecoveryRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Subscribe, unsubscribe and sub_refresh, client-side and server-side (connection token {@code
 * channels}, or the server API). The subscription joins the hub <em>before</em> the stream position
 * is read, so publications made during the read are buffered and merged after the replayed ones:
 * nothing falls between the recovery read and the live stream. Shared by an edge's sessions;
 * event-loop confined.
 */
final class SubscriptionHandler {

  private final SessionHandlers edge;
  private final RecentChannels recent = new RecentChannels(); // subscriptions of one channel share its ChannelName

  SubscriptionHandler(SessionHandlers edge) {
    this.edge = edge;
  }

  /**
   * A client's subscribe. Its token is verified first, or without a token in a namespace with {@code
   * proxy_subscribe} the subscribe hook is asked; when that needs I/O (a JWKS key being fetched, the
   * backend) the commands behind it wait, and the checks then run in their usual order.
   */
  void subscribe(SessionContext session, long id, Request.Subscribe request) {
    String token = request.token();
    boolean proxied = (token == null || token.isEmpty()) && request.channel() != null && !request.channel().isEmpty()
        && proxiedSubscribe(resolve(request.channel()));
    if ((token == null || token.isEmpty()) && !proxied) {
      subscribe(session, id, request, null, false);
      return;
    }
    Future<SubscribeClaims> verified = proxied ? edge.proxy.subscribe(session, request)
        : edge.services.verifier().verifySubscribeAsync(token, System.currentTimeMillis() / 1000);
    if (verified.isComplete()) {
      subscribe(session, id, request, verified, proxied);
      return;
    }
    session.holdCommands();
    verified.onComplete(ar -> {
      if (!session.active()) return; // closed meanwhile: the late outcome is ignored
      try {
        subscribe(session, id, request, verified, proxied);
      } catch (ProtocolException e) {
        session.replyError(id, e);
      } finally {
        session.releaseCommands();
      }
    });
  }

  /**
   * The subscribe with its token's verification outcome or the subscribe hook's grant ({@code
   * verified}; null with neither); {@code proxied}: the grant is the hook's.
   */
  private void subscribe(SessionContext session, long id, Request.Subscribe request, Future<SubscribeClaims> verified, boolean proxied) {
    String channel = request.channel();
    if (channel == null || channel.isEmpty()) throw ErrorCode.BAD_REQUEST.exception();
    // Centrifugo's answer without allow_tags_filter; Rebound never filters, so it must never pretend to.
    if (request.tagsFilter()) throw ErrorCode.BAD_REQUEST.exception("tags filter (tf) is not supported");
    if (session.subscription(channel) != null) throw ErrorCode.ALREADY_SUBSCRIBED.exception();
    int limit = session.options().channelLimit();
    if (limit > 0 && session.subscriptionCount() >= limit) throw ErrorCode.LIMIT_EXCEEDED.exception();
    ChannelName name = resolve(channel);
    ChannelOptions opts = name.options();

    String chanInfo = null, data = null;
    long expiresAt = 0;
    if (verified != null) {
      if (verified.failed() && proxied) {
        edge.proxy.fail(session, id, verified.cause());
        return;
      }
      if (verified.failed()) throw tokenError(verified.cause());
      SubscribeClaims claims = verified.result();
      if (!claims.channel().equals(channel) || !claims.user().equals(session.user())
          || (claims.client() != null && !claims.client().equals(session.clientId()))) {
        session.close(Disconnect.INVALID_TOKEN);
        return;
      }
      chanInfo = claims.info();
      data = claims.data();
      expiresAt = claims.expiresAt();
    } else if (!mayDirectlySubscribe(session, name, opts)) {
      throw ErrorCode.PERMISSION_DENIED.exception();
    }

    boolean history = opts.historyEnabled();
    boolean historyAccess = (opts.allowHistoryForClient() || opts.allowHistoryForSubscriber())
        && (!session.anonymous() || opts.allowHistoryForAnonymous());
    boolean recoverable = history && (opts.forceRecovery() || ((opts.allowRecovery() || historyAccess) && request.recoverable()));
    boolean positioned = history && (recoverable || opts.forcePositioning() || ((opts.allowPositioning() || historyAccess) && request.positioned()));
    boolean pushJoinLeave = opts.joinLeave() && (opts.forcePushJoinLeave() || request.joinLeave());
    StreamPosition since = recoverable && request.recover() ? new StreamPosition(Math.max(0, request.offset()), request.epoch()) : null;

    // Without channel info the connection's own info says it all: shared, not one more object per subscription.
    ClientInfo info = chanInfo == null && session.info().chanInfo() == null ? session.info() : new ClientInfo(session.user(), session.clientId(), session.info().connInfo(), chanInfo);
    Subscription sub = new Subscription(name, false, positioned, recoverable, pushJoinLeave, userSync(session, opts), info);
    sub.expiresAt(expiresAt);
    // The sub_refresh hook renews what the subscribe hook granted: the client has no token to refresh it with.
    if (proxied && opts.proxySubRefresh()) sub.refreshedByBackend();
    String subscribeData = data;
    start(session, sub, since).onComplete(ar -> {
      if (session.subscription(channel) != sub || !session.active()) return;
      if (ar.failed()) {
        drop(session, sub);
        session.replyError(id, Errors.toProtocol(ar.cause()));
        return;
      }
      Long ttl = sub.isRefreshedByBackend() ? null : Result.ttl(sub.expiresAt(), System.currentTimeMillis() / 1000);
      session.reply(id, ar.result().withToken(subscribeData, ttl));
      activate(session, sub);
    });
  }

  /** A subscribe without a token asks the subscribe hook: in a {@code proxy_subscribe} namespace, never for a '$' channel (those always need a token). */
  private boolean proxiedSubscribe(ChannelName name) {
    return !name.isPrivate() && edge.proxy.subscribes(name.options().proxySubscribe());
  }

  private static boolean userSync(SessionContext session, ChannelOptions opts) {
    return opts.userSync() && !session.anonymous();
  }

  private static boolean mayDirectlySubscribe(SessionContext session, ChannelName name, ChannelOptions opts) {
    if (name.isPrivate()) return false; // '$' channels always need a subscription token
    if (name.allowedUsers() != null) return name.userAllowed(session.user());
    return opts.allowSubscribeForClient() && (!session.anonymous() || opts.allowSubscribeForAnonymous());
  }

  /**
   * Subscribes the connection to its token's channels (plus positions the SDK sends in {@code
   * connect.subs}); completes with each channel's subscribe result for the connect reply. The
   * subscriptions stay buffering until {@link #activateAll} runs after that reply is written.
   */
  Future<Map<String, Result.Subscribe>> serverSideSubscriptions(SessionContext session, List<String> channels,
      Map<String, Request.SubPosition> recoverFrom) {
    if (channels.isEmpty()) return Future.succeededFuture(Map.of());
    List<Future<Result.Subscribe>> results = new ArrayList<>();
    for (String channel : channels) {
      ChannelName name;
      try {
        name = resolve(channel);
      } catch (ProtocolException e) {
        return Future.failedFuture(e);
      }
      results.add(serverSide(session, name, recoverFrom.get(channel)));
    }
    return Future.all(results).map(all -> {
      Map<String, Result.Subscribe> out = new LinkedHashMap<>();
      for (int i = 0; i < channels.size(); i++) out.put(channels.get(i), results.get(i).result());
      return out;
    });
  }

  /** A server-side subscription added at runtime by the server API: announced with a subscribe push. */
  void serverSubscribeNow(SessionContext session, String channel) {
    if (session.subscription(channel) != null) return;
    ChannelName name;
    try {
      name = resolve(channel);
    } catch (ProtocolException e) {
      return;
    }
    serverSide(session, name, null).onComplete(ar -> {
      Subscription sub = session.subscription(channel);
      if (sub == null || !session.active()) return;
      if (ar.failed()) {
        drop(session, sub);
        return;
      }
      session.push(new Push.Subscribe(channel, ar.result()));
      activate(session, sub);
    });
  }

  private Future<Result.Subscribe> serverSide(SessionContext session, ChannelName name, Request.SubPosition position) {
    ChannelOptions opts = name.options();
    boolean recoverable = opts.historyEnabled() && opts.forceRecovery();
    boolean positioned = opts.historyEnabled() && (recoverable || opts.forcePositioning());
    StreamPosition since = null;
    if (recoverable && position != null && position.recover()) since = new StreamPosition(Math.max(0, position.offset()), position.epoch());
    Subscription sub = new Subscription(name, true, positioned, recoverable, opts.joinLeave(), userSync(session, opts), session.info());
    return start(session, sub, since);
  }

  /** Registers {@code sub} (buffering) and reads its stream position; completes with the subscribe result. */
  private Future<Result.Subscribe> start(SessionContext session, Subscription sub, StreamPosition since) {
    session.addSubscription(sub);
    edge.services.metrics().subscribed();
    // Routing by interest: answer (and read the position) only once every node routes the channel here.
    return edge.host.broadcaster().routed(sub.name()).compose(routed -> position(session, sub, since));
  }

  private Future<Result.Subscribe> position(SessionContext session, Subscription sub, StreamPosition since) {
    if (!sub.positioned()) return Future.succeededFuture(Result.Subscribe.PLAIN);
    ChannelOptions opts = sub.options();
    if (sub.userSync() && since == null && session.wantsSync()) return UserSync.firstBatch(session, edge.services, sub);
    RecoveryRequest request = new RecoveryRequest(sub.name(), since, opts.streamOptions(), session.options().recoveryMaxPublicationLimit());
    return edge.services.recover(request).map(r -> {
      // Recovered ⇒ the replay ends at the top; not recovered ⇒ the client restarts at the top.
      sub.attach(r.top());
      // A recovery position sent by the client acknowledges everything up to it; a client that opted
      // out of the sync says it has the state up to now (it loaded it elsewhere).
      // (in the top's epoch: a recovered position is in it, even when the client named no epoch)
      if (sub.userSync() && since != null && r.recovered()) session.acknowledge(sub, new StreamPosition(since.offset(), r.top().epoch()));
      else if (sub.userSync() && since == null && !r.top().epoch().isEmpty()) session.acknowledge(sub, r.top());
      boolean recovering = since != null;
      long offset = r.recovered() ? since.offset() : r.top().offset();
      return new Result.Subscribe(sub.recoverable(), true, r.top().epoch(), offset, recovering, recovering && r.recovered(),
          recovering ? r.publications() : List.of(), null, null);
    });
  }

  /**
   * The subscribe reply is written: release the buffered live publications (or, for a user sync
   * with more backlog, start pacing it), then announce presence.
   */
  void activate(SessionContext session, Subscription sub) {
    edge.services.lifecycle().subscribed(session.user(), session.clientId(), sub.name());
    if (sub.syncing()) {
      UserSync sync = new UserSync(session, edge, sub);
      sub.startSync(sync);
      sync.start();
    } else if (!releaseBuffered(session, sub)) {
      return;
    }
    if (sub.userSync()) session.probePing();
    ChannelOptions opts = sub.options();
    if (opts.presence()) edge.services.presence().add(sub.name(), sub.info());
    if (opts.joinLeave()) {
      edge.host.broadcaster().publish(FanoutMessage.join(sub.name(), sub.info()));
    }
  }

  /**
   * Goes live: the publications buffered while the subscription was being (re)established are
   * delivered after what was replayed, deduplicated by offset. False when the subscription ended
   * on the way (its buffer overflowed, or a delivery found continuity lost).
   */
  boolean releaseBuffered(SessionContext session, Subscription sub) {
    Subscription.Backlog backlog = sub.goLive();
    if (sub.positioned()) {
      StreamPosition at = sub.position();
      edge.host.position(sub.name(), at.epoch(), at.offset());
    }
    if (backlog.overflowed()) {
      edge.continuity.insufficientState(session, sub.name());
      return false;
    }
    int n = 0;
    for (FanoutMessage m : backlog.buffered()) {
      if (session.subscription(sub.name()) != sub) return false;
      if (edge.continuity.deliver(session, sub, m)) n++;
    }
    if (n > 0) edge.services.metrics().delivered(n);
    return session.subscription(sub.name()) == sub;
  }

  /** After the connect reply: the server-side subscriptions go live. */
  void activateAll(SessionContext session) {
    for (Subscription sub : session.subscriptions()) {
      if (!sub.live() && session.active()) activate(session, sub);
    }
  }

  void unsubscribe(SessionContext session, long id, Request.Unsubscribe request) {
    String channel = request.channel();
    if (channel == null || channel.isEmpty()) throw ErrorCode.BAD_REQUEST.exception();
    Subscription sub = session.subscription(channel);
    if (sub != null) drop(session, sub);
    session.reply(id, Result.Empty.UNSUBSCRIBE);
  }

  /** Server API unsubscribe: final for the client (code 2000). */
  void serverUnsubscribe(SessionContext session, String channel) {
    Subscription sub = session.subscription(channel);
    if (sub == null) return;
    drop(session, sub);
    session.push(new Push.Unsubscribe(channel, UnsubscribeCode.SERVER, "server unsubscribe"));
  }

  void subRefresh(SessionContext session, long id, Request.SubRefresh request) {
    String channel = request.channel();
    String token = request.token();
    if (channel == null || token == null || token.isEmpty()) throw ErrorCode.BAD_REQUEST.exception();
    Subscription sub = session.subscription(channel);
    if (sub == null) throw ErrorCode.PERMISSION_DENIED.exception("not subscribed");
    long nowSec = System.currentTimeMillis() / 1000;
    edge.services.verifier().verifySubscribeAsync(token, nowSec).onComplete(verified -> {
      // Closed or resubscribed while the key was fetched: the outcome is for a subscription that is gone.
      if (!session.active() || session.subscription(channel) != sub) return;
      Long ttl;
      if (verified.succeeded()) {
        SubscribeClaims claims = verified.result();
        if (!claims.channel().equals(channel) || !claims.user().equals(session.user())) {
          session.close(Disconnect.INVALID_TOKEN);
          return;
        }
        sub.expiresAt(claims.expiresAt());
        ttl = Result.ttl(claims.expiresAt(), nowSec);
      } else {
        ProtocolException error = tokenError(verified.cause());
        if (error.error() == ErrorCode.PERMISSION_DENIED) {
          session.close(Disconnect.INVALID_TOKEN);
          return;
        }
        if (error.error() != ErrorCode.TOKEN_EXPIRED) {
          session.replyError(id, error); // the key could not be had: the SDK retries the refresh
          return;
        }
        ttl = 0L;
      }
      session.reply(id, new Result.SubRefresh(ttl));
    });
  }

  /** The reply error for a refused subscription token: 109 expired, 103 invalid, 100 (temporary) when its key could not be had. */
  private static ProtocolException tokenError(Throwable cause) {
    TokenException.Kind kind = cause instanceof TokenException te ? te.kind() : TokenException.Kind.UNAVAILABLE;
    return switch (kind) {
      case EXPIRED -> ErrorCode.TOKEN_EXPIRED.exception();
      case INVALID -> ErrorCode.PERMISSION_DENIED.exception();
      case UNAVAILABLE -> ErrorCode.INTERNAL.exception();
    };
  }

  /** Subscriptions whose token expired and was not refreshed within the grace period end (2501 / 3006). */
  void expireSubscriptions(SessionContext session, long nowSec, long grace) {
    for (Subscription sub : session.subscriptions()) {
      if (sub.isRefreshedByBackend()) {
        if (sub.live()) edge.proxy.subRefreshIfDue(session, sub, nowSec);
        continue;
      }
      if (sub.expiresAt() <= 0 || nowSec - grace <= sub.expiresAt()) continue; // saturating: see Keepalive
      if (sub.serverSide()) {
        session.close(Disconnect.SUBSCRIPTION_EXPIRED);
        return;
      }
      drop(session, sub);
      session.push(new Push.Unsubscribe(sub.name(), UnsubscribeCode.EXPIRED, "subscription expired"));
    }
  }

  /** Removes {@code sub} from the session, the hub and presence, announcing the leave. */
  void drop(SessionContext session, Subscription sub) {
    if (!session.removeSubscription(sub)) return;
    edge.services.lifecycle().unsubscribed(session.user(), session.clientId(), sub.name()); // ignored unless it was subscribed
    sub.cancelSync();
    edge.services.metrics().unsubscribed();
    if (!sub.live()) return;
    ChannelOptions opts = sub.options();
    if (opts.presence()) edge.services.presence().remove(sub.name(), session.clientId());
    if (opts.joinLeave()) {
      edge.host.broadcaster().publish(FanoutMessage.leave(sub.name(), sub.info()));
    }
  }

  private ChannelName resolve(String channel) {
    return recent.resolve(channel, edge.services.config());
  }
}
