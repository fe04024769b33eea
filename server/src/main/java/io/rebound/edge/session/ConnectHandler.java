package io.rebound.edge.session;

import io.rebound.core.LogSafe;
import io.rebound.auth.ConnectClaims;
import io.rebound.auth.TokenException;
import io.rebound.bus.Errors;
import io.rebound.codec.Request;
import io.rebound.codec.Result;
import io.rebound.config.ClientOptions;
import io.rebound.core.ClientInfo;
import io.rebound.core.Version;
import io.rebound.protocol.Disconnect;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code connect} and {@code refresh}: the token, the connection's identity and limits, the
 * server-side subscriptions of the token, and the connect reply. A connect that asks to resume a
 * session is handed to {@link SessionResume}. Shared by an edge's sessions; event-loop confined.
 */
final class ConnectHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectHandler.class);

  private final SessionHandlers edge;

  ConnectHandler(SessionHandlers edge) {
    this.edge = edge;
  }

  void connect(ClientSession session, long id, Request.Connect request) {
    if (session.state() != ClientSession.State.CONNECTING) {
      session.badRequest("connect on a connected client");
      return;
    }
    Future<ConnectClaims> claims = claims(session, request.token());
    if (claims == null) return;
    if (claims.isComplete()) {
      connectWith(session, id, request, claims);
      return;
    }
    // The credentials need I/O (a JWKS key being fetched): the commands behind the connect wait.
    session.authenticating();
    claims.onComplete(ar -> {
      if (!session.authenticated()) return; // closed meanwhile: the late outcome is ignored
      try {
        connectWith(session, id, request, claims);
      } finally {
        session.releaseCommands();
      }
    });
  }

  /** The connect token's claims, maybe still pending; null when the connection was closed (no credentials). */
  private Future<ConnectClaims> claims(ClientSession session, String token) {
    if (token == null || token.isEmpty()) {
      if (options().allowAnonymousConnectWithoutToken()) return Future.succeededFuture(new ConnectClaims("", 0, null, List.of()));
      LOG.info("event=no_credentials remote={}", LogSafe.value(session.transport().remote()));
      session.close(Disconnect.BAD_REQUEST);
      return null;
    }
    return edge.services.verifier().verifyConnectAsync(token, System.currentTimeMillis() / 1000);
  }

  /**
   * Connects with the outcome of the credentials: the claims; or 109 (expired: the SDK gets a new
   * token), 100 (temporary: the key could not be had, the SDK retries) or close 3500 (invalid).
   */
  private void connectWith(ClientSession session, long id, Request.Connect request, Future<ConnectClaims> verified) {
    if (verified.failed()) {
      TokenException.Kind kind = verified.cause() instanceof TokenException te ? te.kind() : TokenException.Kind.UNAVAILABLE;
      switch (kind) {
        case EXPIRED -> session.replyError(id, ErrorCode.TOKEN_EXPIRED.exception());
        case UNAVAILABLE -> {
          LOG.info("event=token_key_unavailable remote={} reason={}", LogSafe.value(session.transport().remote()), LogSafe.value(verified.cause().getMessage()));
          session.replyError(id, ErrorCode.INTERNAL.exception());
        }
        case INVALID -> {
          LOG.info("event=invalid_token remote={} reason={}", LogSafe.value(session.transport().remote()), LogSafe.value(verified.cause().getMessage()));
          session.close(Disconnect.INVALID_TOKEN);
        }
      }
      return;
    }
    ConnectClaims claims = verified.result();
    session.connectFlags(request.sync(), request.discontinuity());
    Request.Resume resume = request.resume();
    if (resume != null) {
      ClientSession home = edge.host.resumable(resume.session());
      if (home != null && home != session && resume.received() >= 0) {
        edge.resume.ask(session, home, id, request, claims);
        return;
      }
      edge.services.metrics().resumeRefused();
      LOG.debug("event=resume_refused remote={} reason=\"unknown session\"", LogSafe.value(session.transport().remote()));
    }
    establish(session, id, request, claims, resume != null);
  }

  /** A new session: limits, identity, server-side subscriptions, then the connect reply. */
  void establish(ClientSession session, long id, Request.Connect request, ConnectClaims claims, boolean resumeRefused) {
    if (!edge.services.limits().tryUser(claims.user())) {
      session.close(Disconnect.CONNECTION_LIMIT);
      return;
    }
    long now = System.currentTimeMillis();
    ClientInfo info = new ClientInfo(claims.user(), UUID.randomUUID().toString(), claims.info(), null);
    long window = Math.min(options().resumeWindow().toMillis(), Math.max(0, request.resumeWindow()));
    SessionResume.Resumable resumable = window > 0 ? edge.resume.open(session, window, id) : null;
    session.connected(info, claims.expiresAt(), resumable, now);
    edge.subscriptions.serverSideSubscriptions(session, claims.channels(), request.subs()).onComplete(ar -> {
      if (!session.active()) return;
      if (ar.failed()) {
        ProtocolException e = Errors.toProtocol(ar.cause());
        session.replyError(id, e);
        session.close(e.error().temporary ? Disconnect.INTERNAL : new Disconnect(Disconnect.BAD_REQUEST.code(), e.getMessage()));
        return;
      }
      session.sendConnectReply(id, result(session, now / 1000).withOutcome(resumeRefused ? Boolean.FALSE : null, null, ar.result()));
      edge.subscriptions.activateAll(session);
    });
  }

  /** The connect result: identity, expiry, resume window, ping interval and whether pongs are expected. */
  Result.Connect result(ClientSession session, long nowSec) {
    long ping = options().pingInterval().toMillis();
    SessionResume.Resumable resumable = session.resumable;
    return new Result.Connect(session.clientId(), Version.SERVER, Result.ttl(session.expiresAt(), nowSec),
        resumable == null ? null : resumable.id, resumable == null ? 0 : resumable.windowMs,
        ping > 0 ? Long.valueOf(options().pingInterval().toSeconds()) : null, ping > 0 && options().pongTimeout().toMillis() > 0, null, null, null);
  }

  void refresh(ClientSession session, long id, Request.Refresh request) {
    String token = request.token();
    if (token == null || token.isEmpty()) throw ErrorCode.BAD_REQUEST.exception();
    long nowSec = System.currentTimeMillis() / 1000;
    edge.services.verifier().verifyConnectAsync(token, nowSec).onComplete(verified -> {
      if (!session.active()) return; // closed while the key was fetched
      Long ttl;
      if (verified.succeeded()) {
        ConnectClaims claims = verified.result();
        if (!claims.user().equals(session.user())) {
          session.close(Disconnect.INVALID_TOKEN);
          return;
        }
        session.expireAt(claims.expiresAt());
        ttl = Result.ttl(claims.expiresAt(), nowSec);
      } else {
        TokenException.Kind kind = verified.cause() instanceof TokenException te ? te.kind() : TokenException.Kind.UNAVAILABLE;
        if (kind == TokenException.Kind.UNAVAILABLE) {
          session.replyError(id, ErrorCode.INTERNAL.exception()); // the key could not be had: the SDK retries the refresh
          return;
        }
        if (kind == TokenException.Kind.INVALID) {
          session.close(Disconnect.INVALID_TOKEN);
          return;
        }
        // Expired refresh token: the connection keeps its old expiry and will be closed with 3005 unless refreshed.
        ttl = 0L;
      }
      session.reply(id, new Result.Refresh(session.clientId(), Version.SERVER, ttl));
    });
  }

  private ClientOptions options() {
    return edge.services.config().client();
  }
}
