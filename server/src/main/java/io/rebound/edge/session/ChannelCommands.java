package io.rebound.edge.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.bus.ApiRequest;
import io.rebound.bus.Errors;
import io.rebound.channel.ChannelName;
import io.rebound.config.ChannelOptions;
import io.rebound.core.ClientInfo;
import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.StreamPosition;
import io.rebound.channel.Channels;
import io.rebound.codec.Replies;
import io.rebound.codec.Request;
import io.rebound.codec.Result;
import io.rebound.protocol.ErrorCode;
import io.rebound.recovery.Continuity;

/**
 * Client publish, history, presence and presence_stats, with Centrifugo's permission rules. Shared by
 * an edge's sessions; event-loop confined.
 */
final class ChannelCommands {

  private final EdgeServices services;
  private final ProxyHooks proxy;

  ChannelCommands(EdgeServices services, ProxyHooks proxy) {
    this.services = services;
    this.proxy = proxy;
  }

  /**
   * A client publish: allowed by the {@code allow_publish_*} rules, or in a namespace with {@code
   * proxy_publish} by the publish hook, whose answer may replace the data and skip history.
   */
  void publish(SessionContext session, long id, Request.Publish request) {
    ChannelName name = resolve(request.channel());
    if (request.data() == null) throw ErrorCode.BAD_REQUEST.exception("data required");
    ChannelOptions o = name.options();
    if (proxy.publishes(o.proxyPublish())) {
      proxy.publish(session, name.channel(), request.data()).onComplete(ar -> {
        if (!session.active()) return;
        if (ar.failed()) {
          proxy.fail(session, id, ar.cause());
          return;
        }
        String data = ar.result().data() != null ? ar.result().data() : request.data();
        publish(session, id, name, request, data, ar.result().skipHistory());
      });
      return;
    }
    Subscription sub = session.subscription(name.channel());
    boolean allowed = (o.allowPublishForClient() && (!session.anonymous() || o.allowPublishForAnonymous()))
        || (o.allowPublishForSubscriber() && sub != null && (!session.anonymous() || o.allowPublishForAnonymous()));
    if (!allowed) throw ErrorCode.PERMISSION_DENIED.exception();
    publish(session, id, name, request, request.data(), false);
  }

  /** Publishes {@code data} (raw JSON) through the publish API, as the subscriber (or the connection) that sent it. */
  private void publish(SessionContext session, long id, ChannelName name, Request.Publish request, String data, boolean skipHistory) {
    // The publish API's own form: a JSON body, the data as raw text beside it.
    ObjectNode params = Replies.object();
    params.put("channel", name.channel());
    if (skipHistory) params.put("skip_history", true);
    String idempotencyKey = request.idempotencyKey(); // extension: a resent publish is applied once
    if (idempotencyKey != null && !idempotencyKey.isEmpty()) params.put("idempotency_key", idempotencyKey);
    Subscription sub = session.subscription(name.channel());
    ClientInfo publisher = sub != null ? sub.info() : session.info();
    services.api(new ApiRequest("publish", params, data, publisher)).onComplete(ar -> {
      if (!session.active()) return;
      if (ar.failed()) session.replyError(id, Errors.toProtocol(ar.cause()));
      else if (ar.result().error() != null) session.replyError(id, ar.result().error());
      else session.reply(id, Result.Empty.PUBLISH); // the client protocol's publish result is empty
    });
  }

  void history(SessionContext session, long id, Request.History request) {
    ChannelName name = resolve(request.channel());
    ChannelOptions o = name.options();
    if (!o.historyEnabled()) throw ErrorCode.NOT_AVAILABLE.exception();
    boolean subscribed = session.subscription(name.channel()) != null;
    if (!(permitted(session, o.allowHistoryForClient(), o.allowHistoryForAnonymous())
        || (o.allowHistoryForSubscriber() && subscribed))) {
      throw ErrorCode.PERMISSION_DENIED.exception();
    }
    int max = session.options().historyMaxPublicationLimit();
    long requested = request.limit();
    int limit = requested < 0 || (max > 0 && requested > max) ? (max > 0 ? max : HistoryQuery.NO_LIMIT) : (int) requested;
    if (request.invalidSince() != null) throw ErrorCode.BAD_REQUEST.exception(request.invalidSince());
    StreamPosition since = request.since();
    boolean reverse = request.reverse();
    if (reverse && since != null && since.offset() == 0) throw ErrorCode.BAD_REQUEST.exception();
    long untilOffset = Long.MAX_VALUE;
    if (request.untilAttach()) {
      // Extension: only what lies up to where this connection's subscription was (re)established.
      Subscription sub = session.subscription(name.channel());
      if (sub == null || !sub.positioned()) throw ErrorCode.BAD_REQUEST.exception("until_attach needs a positioned subscription");
      untilOffset = sub.attached().offset();
      if (reverse && (since == null || since.offset() > untilOffset + 1)) {
        since = new StreamPosition(untilOffset + 1, since == null ? sub.attached().epoch() : since.epoch());
      } else if (!reverse && since != null) {
        long upTo = Math.max(0, untilOffset - since.offset());
        if (limit == HistoryQuery.NO_LIMIT || limit > upTo) limit = (int) Math.min(Integer.MAX_VALUE, upTo);
      }
    }
    long until = untilOffset;
    StreamPosition from = since;
    services.history(name.channel(), new HistoryQuery(since, limit, reverse), o.streamOptions()).onComplete(ar -> {
      if (!session.active()) return;
      if (ar.failed()) {
        session.replyError(id, Errors.toProtocol(ar.cause()));
        return;
      }
      if (from != null && !Continuity.epochMatches(from, ar.result().top())) {
        session.replyError(id, ErrorCode.UNRECOVERABLE_POSITION.exception());
        return;
      }
      HistoryResult result = ar.result();
      if (until != Long.MAX_VALUE) {
        result = new HistoryResult(result.publications().stream().filter(p -> p.offset() <= until).toList(), result.top());
      }
      session.reply(id, new Result.History(result.publications(), result.top()));
    });
  }

  void presence(SessionContext session, long id, String channel) {
    ChannelName name = presenceChannel(session, channel);
    services.presence().get(name.channel()).onComplete(ar -> {
      if (!session.active()) return;
      if (ar.failed()) {
        session.replyError(id, Errors.toProtocol(ar.cause()));
        return;
      }
      session.reply(id, new Result.Presence(ar.result()));
    });
  }

  void presenceStats(SessionContext session, long id, String channel) {
    ChannelName name = presenceChannel(session, channel);
    services.presence().stats(name.channel()).onComplete(ar -> {
      if (!session.active()) return;
      if (ar.failed()) {
        session.replyError(id, Errors.toProtocol(ar.cause()));
        return;
      }
      session.reply(id, new Result.PresenceStats(ar.result().numClients(), ar.result().numUsers()));
    });
  }

  private ChannelName presenceChannel(SessionContext session, String channel) {
    ChannelName name = resolve(channel);
    ChannelOptions o = name.options();
    if (!o.presence()) throw ErrorCode.NOT_AVAILABLE.exception();
    boolean subscribed = session.subscription(name.channel()) != null;
    if (!(permitted(session, o.allowPresenceForClient(), o.allowPresenceForAnonymous()) || (o.allowPresenceForSubscriber() && subscribed))) {
      throw ErrorCode.PERMISSION_DENIED.exception();
    }
    return name;
  }

  private static boolean permitted(SessionContext session, boolean forClient, boolean forAnonymous) {
    return forClient && (!session.anonymous() || forAnonymous);
  }

  private ChannelName resolve(String channel) {
    return Channels.resolve(channel, services.config());
  }
}
