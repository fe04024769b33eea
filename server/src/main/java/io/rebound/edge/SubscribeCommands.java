package io.rebound.edge;

import io.rebound.codec.Replies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.auth.SubscribeClaims;
import io.rebound.auth.TokenException;
import io.rebound.channel.ChannelName;
import io.rebound.engine.FanoutMessage;
import io.rebound.config.ChannelOptions;
import io.rebound.core.ClientInfo;
import io.rebound.core.HistoryQuery;
import io.rebound.core.Publication;
import io.rebound.core.StreamPosition;
import io.rebound.channel.Channels;
import io.rebound.codec.Command;
import io.rebound.protocol.Disconnect;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.rebound.codec.Pushes;
import io.rebound.recovery.RecoveryRequest;
import io.rebound.recovery.RecoveryResult;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Subscribe, unsubscribe and sub_refresh for one session, client-side and server-side (connection
 * token {@code channels}, or the server API). The subscription joins the hub <em>before</em> the
 * stream position is read, so publications made during the read are buffered and merged after the
 * replayed ones: nothing falls between the recovery read and the live stream.
 */
final class SubscribeCommands {

  private final ClientSession session;

  SubscribeCommands(ClientSession session) {
    this.session = session;
  }

  void subscribe(Command c) {
    String channel = c.text("channel");
    if (channel == null || channel.isEmpty()) throw ErrorCode.BAD_REQUEST.exception();
    Map<String, Subscription> subs = session.subscriptions();
    if (subs.containsKey(channel)) throw ErrorCode.ALREADY_SUBSCRIBED.exception();
    int limit = session.options().channelLimit();
    if (limit > 0 && subs.size() >= limit) throw ErrorCode.LIMIT_EXCEEDED.exception();
    ChannelName name = resolve(channel);
    ChannelOptions opts = name.options();

    String chanInfo = null, data = null;
    long expiresAt = 0;
    String token = c.text("token");
    if (token != null && !token.isEmpty()) {
      SubscribeClaims claims;
      try {
        claims = session.services().verifier().verifySubscribe(token, System.currentTimeMillis() / 1000);
      } catch (TokenException e) {
        throw (e.kind() == TokenException.Kind.EXPIRED ? ErrorCode.TOKEN_EXPIRED : ErrorCode.PERMISSION_DENIED).exception();
      }
      if (!claims.channel().equals(channel) || !claims.user().equals(session.user)
          || (claims.client() != null && !claims.client().equals(session.clientId))) {
        session.close(Disconnect.INVALID_TOKEN);
        return;
      }
      chanInfo = claims.info();
      data = claims.data();
      expiresAt = claims.expiresAt();
    } else if (!mayDirectlySubscribe(name, opts)) {
      throw ErrorCode.PERMISSION_DENIED.exception();
    }

    boolean history = opts.historyEnabled();
    boolean historyAccess = opts.allowHistoryForClient() || opts.allowHistoryForSubscriber();
    boolean recoverable = history && (opts.forceRecovery() || ((opts.allowRecovery() || historyAccess) && c.flag("recoverable")));
    boolean positioned = history && (recoverable || opts.forcePositioning() || ((opts.allowPositioning() || historyAccess) && c.flag("positioned")));
    boolean pushJoinLeave = opts.joinLeave() && (opts.forcePushJoinLeave() || c.flag("join_leave"));
    StreamPosition since = recoverable && c.flag("recover") ? new StreamPosition(Math.max(0, c.number("offset", 0)), c.text("epoch")) : null;

    ClientInfo info = new ClientInfo(session.user, session.clientId, session.info.connInfo(), chanInfo);
    Subscription sub = new Subscription(name, false, positioned, recoverable, pushJoinLeave, info);
    sub.expiresAt = expiresAt;
    long id = c.id();
    String subscribeData = data;
    start(sub, since).onComplete(ar -> {
      if (session.subscriptions().get(channel) != sub || !session.active()) return;
      if (ar.failed()) {
        drop(sub);
        session.replyError(id, ar.cause() instanceof ProtocolException pe ? pe : ErrorCode.INTERNAL.exception());
        return;
      }
      ObjectNode result = ar.result();
      if (subscribeData != null) result.putRawValue("data", new com.fasterxml.jackson.databind.util.RawValue(subscribeData));
      if (sub.expiresAt > 0) {
        result.put("expires", true);
        result.put("ttl", Math.max(0, sub.expiresAt - System.currentTimeMillis() / 1000));
      }
      session.reply(id, "subscribe", result);
      activate(sub);
    });
  }

  private boolean mayDirectlySubscribe(ChannelName name, ChannelOptions opts) {
    if (name.isPrivate()) return false; // '$' channels always need a subscription token
    if (name.allowedUsers() != null) return name.userAllowed(session.user);
    return opts.allowSubscribeForClient() && (!session.anonymous() || opts.allowSubscribeForAnonymous());
  }

  /**
   * Subscribes the connection to its token's channels (plus positions the SDK sends in {@code
   * connect.subs}); completes with each channel's subscribe result for the connect reply. The
   * subscriptions stay buffering until {@link #activateAll()} runs after that reply is written.
   */
  Future<Map<String, ObjectNode>> serverSideSubscriptions(List<String> channels, JsonNode recoverFrom) {
    if (channels.isEmpty()) return Future.succeededFuture(Map.of());
    List<Future<ObjectNode>> results = new ArrayList<>();
    for (String channel : channels) {
      ChannelName name;
      try {
        name = resolve(channel);
      } catch (ProtocolException e) {
        return Future.failedFuture(e);
      }
      results.add(serverSide(name, recoverFrom == null ? null : recoverFrom.get(channel)));
    }
    return Future.all(results).map(all -> {
      Map<String, ObjectNode> out = new LinkedHashMap<>();
      for (int i = 0; i < channels.size(); i++) out.put(channels.get(i), results.get(i).result());
      return out;
    });
  }

  /** A server-side subscription added at runtime by the server API: announced with a subscribe push. */
  void serverSubscribeNow(String channel) {
    if (session.subscriptions().containsKey(channel)) return;
    ChannelName name;
    try {
      name = resolve(channel);
    } catch (ProtocolException e) {
      return;
    }
    serverSide(name, null).onComplete(ar -> {
      Subscription sub = session.subscriptions().get(channel);
      if (sub == null || !session.active()) return;
      if (ar.failed()) {
        drop(sub);
        return;
      }
      session.send(Pushes.subscribe(channel, ar.result().toString()));
      activate(sub);
    });
  }

  private Future<ObjectNode> serverSide(ChannelName name, JsonNode position) {
    ChannelOptions opts = name.options();
    boolean recoverable = opts.historyEnabled() && opts.forceRecovery();
    boolean positioned = opts.historyEnabled() && (recoverable || opts.forcePositioning());
    StreamPosition since = null;
    if (recoverable && position != null && position.path("recover").asBoolean(false)) {
      since = new StreamPosition(Math.max(0, position.path("offset").asLong(0)), position.path("epoch").asText(""));
    }
    Subscription sub = new Subscription(name, true, positioned, recoverable, opts.joinLeave(), session.info);
    return start(sub, since);
  }

  /** Registers {@code sub} (buffering) and reads its stream position; completes with the subscribe result. */
  private Future<ObjectNode> start(Subscription sub, StreamPosition since) {
    session.subscriptions().put(sub.name(), sub);
    session.edge.hub().add(sub.name(), session);
    session.services().metrics().subscribed();
    ObjectNode result = Replies.object();
    if (!sub.positioned) return Future.succeededFuture(result);
    ChannelOptions opts = sub.channel.options();
    sub.userSync = opts.userSync() && !session.anonymous();
    if (sub.userSync && since == null && session.syncWanted) return userSync(sub, result);
    RecoveryRequest request = new RecoveryRequest(sub.name(), since, opts.streamOptions(), session.options().recoveryMaxPublicationLimit());
    return session.services().recover(request).map(r -> {
      applyPosition(sub, since, r);
      sub.attachHere();
      // A recovery position sent by the client acknowledges everything up to it; a client that opted
      // out of the sync says it has the state up to now (it loaded it elsewhere).
      if (sub.userSync && since != null && r.recovered()) session.acknowledge(sub, since);
      else if (sub.userSync && since == null && !r.top().epoch().isEmpty()) session.acknowledge(sub, r.top());
      if (sub.recoverable) result.put("recoverable", true);
      result.put("positioned", true);
      result.put("epoch", r.top().epoch());
      long offset = r.recovered() ? since.offset() : r.top().offset();
      if (offset > 0) result.put("offset", offset);
      if (since != null) {
        result.put("was_recovering", true);
        if (r.recovered()) result.put("recovered", true);
        if (!r.publications().isEmpty()) result.set("publications", Replies.publications(r.publications()));
      }
      return result;
    });
  }

  /**
   * Offline user sync (docs/EXTENSIONS.md): start from the user's stored position, or from the
   * oldest kept publication when none is stored. The first batch goes out in the result like a
   * recovery; a longer backlog is paced by {@link UserSync} after the reply.
   */
  private Future<ObjectNode> userSync(Subscription sub, ObjectNode result) {
    ChannelOptions opts = sub.channel.options();
    EdgeServices services = session.services();
    int batch = opts.syncBatchSize();
    return services.syncPosition(sub.name(), session.user).compose(stored ->
        services.history(sub.name(), new HistoryQuery(stored, batch, false), opts.streamOptions()).map(r -> {
          StreamPosition top = r.top();
          List<Publication> pubs = r.publications();
          result.put("recoverable", true);
          result.put("positioned", true);
          result.put("epoch", top.epoch());
          result.put("was_recovering", true);
          sub.epoch = top.epoch();
          boolean lost = stored != null && stored.offset() < top.offset() && (!stored.epoch().equals(top.epoch())
              || (pubs.isEmpty() || pubs.get(0).offset() != stored.offset() + 1));
          if (lost || (stored != null && !stored.epoch().equals(top.epoch()))) {
            // The stored position is in another epoch or already trimmed: say so, start at the top.
            sub.offset = top.offset();
            sub.attachHere();
            if (top.offset() > 0) result.put("offset", top.offset());
            return result;
          }
          long start = stored != null ? Math.min(stored.offset(), top.offset()) : pubs.isEmpty() ? top.offset() : pubs.get(0).offset() - 1;
          sub.offset = pubs.isEmpty() ? start : pubs.get(pubs.size() - 1).offset();
          sub.attachOffset = top.offset();
          sub.attachEpoch = top.epoch();
          if (start > 0) result.put("offset", start);
          result.put("recovered", true);
          if (!pubs.isEmpty()) result.set("publications", Replies.publications(pubs));
          sub.syncing = pubs.size() >= batch;
          services.metrics().delivered(pubs.size());
          return result;
        }));
  }

  private static void applyPosition(Subscription sub, StreamPosition since, RecoveryResult r) {
    sub.epoch = r.top().epoch();
    sub.offset = r.top().offset(); // recovered ⇒ the replay ends at the top; not recovered ⇒ the client restarts at the top
  }

  /**
   * The subscribe reply is written: release the buffered live publications (or, for a user sync
   * with more backlog, start pacing it), then announce presence.
   */
  void activate(Subscription sub) {
    session.services().lifecycle().subscribed(session.user, session.clientId, sub.name());
    if (sub.syncing) {
      sub.state = Subscription.State.SUBSCRIBED;
      sub.sync = new UserSync(session, sub);
      sub.sync.start();
    } else if (!releaseBuffered(sub)) {
      return;
    }
    if (sub.userSync) session.probePing();
    ChannelOptions opts = sub.channel.options();
    if (opts.presence()) session.services().presence().add(sub.name(), sub.info);
    if (opts.joinLeave()) {
      session.edge.broadcaster().publish(new FanoutMessage(FanoutMessage.Kind.JOIN, sub.name(), 0, "", Pushes.join(sub.name(), sub.info)));
    }
  }

  /**
   * Goes live: the publications buffered while the subscription was being (re)established are
   * delivered after what was replayed, deduplicated by offset. False when the subscription ended
   * on the way (its buffer overflowed, or a delivery found continuity lost).
   */
  boolean releaseBuffered(Subscription sub) {
    sub.state = Subscription.State.SUBSCRIBED;
    if (sub.positioned) session.edge.hub().position(sub.name(), sub.epoch, sub.offset);
    List<FanoutMessage> buffered = sub.buffered;
    sub.buffered = null;
    if (sub.overflowed) {
      sub.overflowed = false;
      session.insufficientState(sub.name());
      return false;
    }
    if (buffered != null) {
      int n = 0;
      for (FanoutMessage m : buffered) {
        if (session.subscriptions().get(sub.name()) != sub) return false;
        if (session.deliver(sub, m)) n++;
      }
      session.services().metrics().delivered(n);
    }
    return session.subscriptions().get(sub.name()) == sub;
  }

  void activateAll() {
    if (session.subs == null) return;
    for (Subscription sub : new ArrayList<>(session.subs.values())) {
      if (sub.state == Subscription.State.SUBSCRIBING && session.active()) activate(sub);
    }
  }

  void unsubscribe(Command c) {
    String channel = c.text("channel");
    if (channel == null || channel.isEmpty()) throw ErrorCode.BAD_REQUEST.exception();
    Subscription sub = session.subscriptions().get(channel);
    if (sub != null) drop(sub);
    session.reply(c.id(), "unsubscribe", Replies.object());
  }

  /** Server API unsubscribe: final for the client (code 2000). */
  void serverUnsubscribe(String channel) {
    Subscription sub = session.subs == null ? null : session.subs.get(channel);
    if (sub == null) return;
    drop(sub);
    session.send(Pushes.unsubscribe(channel, 2000, "server unsubscribe"));
  }

  void subRefresh(Command c) {
    String channel = c.text("channel");
    String token = c.text("token");
    if (channel == null || token == null || token.isEmpty()) throw ErrorCode.BAD_REQUEST.exception();
    Subscription sub = session.subscriptions().get(channel);
    if (sub == null) throw ErrorCode.PERMISSION_DENIED.exception("not subscribed");
    long nowSec = System.currentTimeMillis() / 1000;
    ObjectNode result = Replies.object();
    try {
      SubscribeClaims claims = session.services().verifier().verifySubscribe(token, nowSec);
      if (!claims.channel().equals(channel) || !claims.user().equals(session.user)) {
        session.close(Disconnect.INVALID_TOKEN);
        return;
      }
      sub.expiresAt = claims.expiresAt();
      if (sub.expiresAt > 0) {
        result.put("expires", true);
        result.put("ttl", Math.max(0, sub.expiresAt - nowSec));
      }
    } catch (TokenException e) {
      if (e.kind() != TokenException.Kind.EXPIRED) {
        session.close(Disconnect.INVALID_TOKEN);
        return;
      }
      result.put("expires", true);
      result.put("ttl", 0);
    }
    session.reply(c.id(), "sub_refresh", result);
  }

  /** Subscriptions whose token expired and was not refreshed within the grace period end (2501 / 3006). */
  void expireSubscriptions(long nowSec, long grace) {
    if (session.subs == null) return;
    for (Subscription sub : new ArrayList<>(session.subs.values())) {
      if (sub.expiresAt <= 0 || nowSec <= sub.expiresAt + grace) continue;
      if (sub.serverSide) {
        session.close(Disconnect.SUBSCRIPTION_EXPIRED);
        return;
      }
      drop(sub);
      session.send(Pushes.unsubscribe(sub.name(), 2501, "subscription expired"));
    }
  }

  /** Removes {@code sub} from the session, the hub and presence, announcing the leave. */
  void drop(Subscription sub) {
    if (session.subs == null || session.subs.remove(sub.name()) == null) return;
    session.services().lifecycle().unsubscribed(session.user, session.clientId, sub.name()); // ignored unless it was subscribed
    if (sub.sync != null) sub.sync.cancel();
    sub.syncing = false;
    session.edge.hub().remove(sub.name(), session);
    session.services().metrics().unsubscribed();
    if (sub.state != Subscription.State.SUBSCRIBED) return;
    ChannelOptions opts = sub.channel.options();
    if (opts.presence()) session.services().presence().remove(sub.name(), session.clientId);
    if (opts.joinLeave()) {
      session.edge.broadcaster().publish(new FanoutMessage(FanoutMessage.Kind.LEAVE, sub.name(), 0, "", Pushes.leave(sub.name(), sub.info)));
    }
  }

  private ChannelName resolve(String channel) {
    return Channels.resolve(channel, session.services().config());
  }
}
