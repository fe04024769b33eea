package io.rebound.edge.session;

import io.rebound.auth.ConnectClaims;
import io.rebound.auth.SubscribeClaims;
import io.rebound.codec.Request;
import io.rebound.codec.Result;
import io.rebound.config.ProxyOptions.Hook;
import io.rebound.protocol.Disconnect;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.rebound.protocol.UnsubscribeCode;
import io.rebound.codec.Push;
import io.rebound.proxy.BackendProxy;
import io.rebound.proxy.BackendRefusal;
import io.rebound.proxy.Grants;
import io.rebound.proxy.ProxyCaller;
import io.rebound.proxy.ProxyUnavailable;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The application backend's hooks ({@link BackendProxy}) as the session handlers use them: who the
 * session is in a hook's request, what a grant changes in the session, and how a refusal or an
 * unavailable backend reaches the client, as Centrifugo does it — the backend's {@code error} answers
 * the command (its code, message and {@code temporary} flag as given), its {@code disconnect} closes
 * the connection with its code and reason, and no usable answer is a temporary error (100) that the
 * SDK retries. Connection and subscription expiry granted by the backend is renewed server-side by
 * the refresh and sub_refresh hooks; a renewal that fails for want of an answer is retried {@link
 * #retrySeconds} later and keeps the connection. Shared by an edge's sessions; event-loop confined.
 */
final class ProxyHooks {

  private final SessionHandlers edge;
  private final BackendProxy proxy; // null: no hook configured
  private final long retrySeconds;

  ProxyHooks(SessionHandlers edge, BackendProxy proxy) {
    this.edge = edge;
    this.proxy = proxy;
    long longest = 0;
    if (proxy != null) for (Hook h : Hook.values()) if (proxy.enabled(h)) longest = Math.max(longest, proxy.options().endpoint(h).timeout().toSeconds());
    // Past the longest call, so that a renewal never runs twice at once for one session.
    this.retrySeconds = Math.max(5, longest + 1);
  }

  boolean enabled(Hook hook) {
    return proxy != null && proxy.enabled(hook);
  }

  /** The backend link of a connecting session (null without hooks): its client id is chosen now, the hooks' requests name it. */
  BackendLink link(ClientSession session, Request.Connect request) {
    if (proxy == null) return null;
    Map<String, String> headers = new LinkedHashMap<>(session.transport().requestHeaders());
    // The SDK's emulated headers stand in for HTTP headers a browser WebSocket cannot set.
    proxy.forwardable(request.headers().entrySet()).forEach(headers::putIfAbsent);
    String clientId = UUID.randomUUID().toString();
    return new BackendLink(clientId, new ProxyCaller(clientId, session.transport().name(), session.codec.name(),
        session.codec.binary() ? "binary" : "json", "", null, Map.copyOf(headers)));
  }

  /** Whether a connect without a token goes to the connect hook. */
  boolean connectsWithoutToken() {
    return enabled(Hook.CONNECT);
  }

  /** The connect hook's grant as connection claims; its {@code meta} and {@code data} are kept on the session's link. */
  Future<ConnectClaims> connect(ClientSession session, Request.Connect request) {
    BackendLink link = session.backend();
    return proxy.connect(link.caller(""), request.name(), request.version(), request.data()).map(g -> {
      Map<String, String> subsData = new LinkedHashMap<>();
      g.subs().forEach((channel, sub) -> {
        if (sub.data() != null) subsData.put(channel, sub.data());
      });
      link.connectGranted(g.meta(), g.data(), subsData);
      return new ConnectClaims(g.user(), g.expireAt(), g.info(), g.channels());
    });
  }

  /** The connect reply of a session connected through the connect hook: its {@code data}, its server-side subscriptions' {@code data}. */
  Result.Connect connectReply(SessionContext session, Result.Connect reply) {
    BackendLink link = session.backend();
    if (link == null || !link.proxiedConnect()) return reply;
    Map<String, String> subsData = link.takeSubsData();
    Map<String, Result.Subscribe> subs = reply.subs();
    if (!subsData.isEmpty()) {
      subs = new LinkedHashMap<>(subs);
      subs.replaceAll((channel, r) -> subsData.containsKey(channel) ? r.withToken(subsData.get(channel), r.ttl()) : r);
    }
    return reply.withOutcome(reply.resumed(), reply.lastCommand(), subs).withData(link.takeConnectData());
  }

  /** Whether {@code session}'s expiry is renewed by the refresh hook (it connected through the connect hook) instead of by its client. */
  boolean refreshesConnection(SessionContext session) {
    BackendLink link = session.backend();
    return link != null && link.proxiedConnect() && enabled(Hook.REFRESH);
  }

  /** Renews {@code session}'s expiry through the refresh hook once it is due; expired → 3005, the backend's disconnect → its code. */
  void refreshIfDue(ClientSession session, long nowSec) {
    long expiresAt = session.expiresAt();
    if (expiresAt <= 0 || nowSec < expiresAt) return;
    session.expireAt(nowSec + retrySeconds); // asked now; asked again then unless answered
    proxy.refresh(session.backend().caller(session.user())).onComplete(ar -> {
      if (!session.active()) return;
      if (ar.succeeded()) {
        Grants.Refresh g = ar.result();
        if (g.expired()) {
          session.close(Disconnect.EXPIRED);
          return;
        }
        session.expireAt(g.expireAt());
        if (g.info() != null) session.connInfo(g.info());
      } else if (ar.cause() instanceof BackendRefusal r && r.disconnect() != null) {
        session.close(r.disconnect());
      }
      // Unavailable or an error: kept, asked again after retrySeconds.
    });
  }

  /** Whether a subscribe without a token to a channel with these options goes to the subscribe hook. */
  boolean subscribes(boolean proxySubscribe) {
    return proxySubscribe && enabled(Hook.SUBSCRIBE);
  }

  /** The subscribe hook's grant as subscription claims for {@code channel}. */
  Future<SubscribeClaims> subscribe(SessionContext session, Request.Subscribe request) {
    String user = session.user();
    return proxy.subscribe(session.backend().caller(user), request.channel(), request.data())
        .map(g -> new SubscribeClaims(user, request.channel(), null, g.expireAt(), g.info(), g.data()));
  }

  /** Renews {@code sub}'s expiry through the sub_refresh hook once it is due; expired → unsubscribed (2501). */
  void subRefreshIfDue(SessionContext session, Subscription sub, long nowSec) {
    if (sub.expiresAt() <= 0 || nowSec < sub.expiresAt()) return;
    sub.expiresAt(nowSec + retrySeconds);
    proxy.subRefresh(session.backend().caller(session.user()), sub.name()).onComplete(ar -> {
      if (!session.active() || session.subscription(sub.name()) != sub) return;
      if (ar.succeeded()) {
        if (ar.result().expired()) {
          edge.subscriptions.drop(session, sub);
          session.push(new Push.Unsubscribe(sub.name(), UnsubscribeCode.EXPIRED, "subscription expired"));
        } else {
          sub.expiresAt(ar.result().expireAt());
        }
      } else if (ar.cause() instanceof BackendRefusal r && r.disconnect() != null) {
        session.close(r.disconnect());
      }
    });
  }

  /** Whether a client publish into a channel with these options goes to the publish hook. */
  boolean publishes(boolean proxyPublish) {
    return proxyPublish && enabled(Hook.PUBLISH);
  }

  Future<Grants.Publish> publish(SessionContext session, String channel, String data) {
    return proxy.publish(session.backend().caller(session.user()), channel, data);
  }

  /** A client {@code rpc}: the rpc hook's {@code data} back, or 104 (method not found) without one. */
  void rpc(SessionContext session, long id, Request.Rpc request) {
    if (!enabled(Hook.RPC)) throw ErrorCode.METHOD_NOT_FOUND.exception();
    proxy.rpc(session.backend().caller(session.user()), request.rpcMethod(), request.data()).onComplete(ar -> {
      if (!session.active()) return;
      if (ar.succeeded()) session.reply(id, new Result.Rpc(ar.result().data()));
      else fail(session, id, ar.cause());
    });
  }

  /** Whether {@code cause} is a hook's failure ({@link #fail} answers it). */
  static boolean isHookFailure(Throwable cause) {
    return cause instanceof BackendRefusal || cause instanceof ProxyUnavailable;
  }

  /** Answers command {@code id} after its hook failed with {@code cause}: see the class contract. */
  void fail(SessionContext session, long id, Throwable cause) {
    if (cause instanceof BackendRefusal r) {
      if (r.disconnect() != null) session.close(r.disconnect());
      else session.replyError(id, r.error());
      return;
    }
    ProtocolException e = cause instanceof ProtocolException p ? p : ErrorCode.INTERNAL.exception();
    session.replyError(id, e);
  }
}
