package io.rebound.edge.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.auth.ConnectClaims;
import io.rebound.auth.TokenException;
import io.rebound.bus.Errors;
import io.rebound.codec.Command;
import io.rebound.codec.Replies;
import io.rebound.config.ClientOptions;
import io.rebound.core.ClientInfo;
import io.rebound.core.Version;
import io.rebound.protocol.Disconnect;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;
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

  void connect(ClientSession session, Command c) {
    if (session.state() != ClientSession.State.CONNECTING) {
      session.badRequest("connect on a connected client");
      return;
    }
    ConnectClaims claims = claims(session, c.id(), c.text("token"));
    if (claims == null) return;
    JsonNode params = c.params();
    session.connectFlags(params.path("sync").asBoolean(true), params.path("discontinuity").asBoolean(false));
    JsonNode resumeRequest = params.get("resume");
    if (resumeRequest != null && resumeRequest.isObject()) {
      ClientSession home = edge.host.resumable(resumeRequest.path("session").asText(null));
      long received = resumeRequest.path("received").asLong(-1);
      if (home != null && home != session && received >= 0) {
        edge.resume.ask(session, home, c, claims, received);
        return;
      }
      edge.services.metrics().resumeRefused();
      LOG.debug("event=resume_refused remote={} reason=\"unknown session\"", session.transport().remote());
    }
    establish(session, c, claims, resumeRequest != null);
  }

  /** The connect token's claims; null when the connection was answered (109) or closed (3500, 3501). */
  private ConnectClaims claims(ClientSession session, long id, String token) {
    if (token == null || token.isEmpty()) {
      if (options().allowAnonymousConnectWithoutToken()) return new ConnectClaims("", 0, null, List.of());
      LOG.info("event=no_credentials remote={}", session.transport().remote());
      session.close(Disconnect.BAD_REQUEST);
      return null;
    }
    try {
      return edge.services.verifier().verifyConnect(token, System.currentTimeMillis() / 1000);
    } catch (TokenException e) {
      if (e.kind() == TokenException.Kind.EXPIRED) {
        session.replyError(id, ErrorCode.TOKEN_EXPIRED.exception()); // the SDK fetches a new token and reconnects
        return null;
      }
      LOG.info("event=invalid_token remote={} reason=\"{}\"", session.transport().remote(), e.getMessage());
      session.close(Disconnect.INVALID_TOKEN);
      return null;
    }
  }

  /** A new session: limits, identity, server-side subscriptions, then the connect reply. */
  void establish(ClientSession session, Command c, ConnectClaims claims, boolean resumeRefused) {
    if (!edge.services.limits().tryUser(claims.user())) {
      session.close(Disconnect.CONNECTION_LIMIT);
      return;
    }
    long now = System.currentTimeMillis();
    ClientInfo info = new ClientInfo(claims.user(), UUID.randomUUID().toString(), claims.info(), null);
    long window = Math.min(options().resumeWindow().toMillis(), Math.max(0, c.number("resume_window", 0)));
    SessionResume.Resumable resumable = window > 0 ? edge.resume.open(session, window, c.id()) : null;
    session.connected(info, claims.expiresAt(), resumable, now);
    long id = c.id();
    edge.subscriptions.serverSideSubscriptions(session, claims.channels(), c.params().get("subs")).onComplete(ar -> {
      if (!session.active()) return;
      if (ar.failed()) {
        ProtocolException e = Errors.toProtocol(ar.cause());
        session.replyError(id, e);
        session.close(e.error().temporary ? Disconnect.INTERNAL : new Disconnect(Disconnect.BAD_REQUEST.code(), e.getMessage()));
        return;
      }
      ObjectNode result = result(session, now / 1000);
      if (resumeRefused) result.put("resumed", false);
      if (!ar.result().isEmpty()) {
        ObjectNode subsNode = result.putObject("subs");
        ar.result().forEach(subsNode::set);
      }
      sendReply(session, id, result);
      edge.subscriptions.activateAll(session);
    });
  }

  /** The connect result: identity, expiry, resume window, ping interval and whether pongs are expected. */
  ObjectNode result(ClientSession session, long nowSec) {
    ObjectNode result = Replies.object();
    result.put("client", session.clientId());
    result.put("version", Version.SERVER);
    addExpiry(result, session.expiresAt(), nowSec);
    if (session.resumable != null) {
      result.put("session", session.resumable.id);
      result.put("resume_window", session.resumable.windowMs);
    }
    long ping = options().pingInterval().toMillis();
    if (ping > 0) result.put("ping", options().pingInterval().toSeconds());
    if (ping > 0 && options().pongTimeout().toMillis() > 0) result.put("pong", true);
    return result;
  }

  /** Connect replies are not numbered: counting starts with the message after them. */
  void sendReply(ClientSession session, long id, ObjectNode result) {
    Buffer reply = Replies.ok(id, "connect", result);
    if (session.resumable != null) session.resumable.written.skipOnce(reply);
    session.outbound().send(reply);
  }

  static void addExpiry(ObjectNode result, long expiresAt, long nowSec) {
    if (expiresAt > 0) {
      result.put("expires", true);
      result.put("ttl", Math.max(0, expiresAt - nowSec));
    }
  }

  void refresh(ClientSession session, Command c) {
    String token = c.text("token");
    if (token == null || token.isEmpty()) throw ErrorCode.BAD_REQUEST.exception();
    long nowSec = System.currentTimeMillis() / 1000;
    ObjectNode result = Replies.object();
    result.put("client", session.clientId());
    result.put("version", Version.SERVER);
    try {
      ConnectClaims claims = edge.services.verifier().verifyConnect(token, nowSec);
      if (!claims.user().equals(session.user())) {
        session.close(Disconnect.INVALID_TOKEN);
        return;
      }
      session.expireAt(claims.expiresAt());
      addExpiry(result, claims.expiresAt(), nowSec);
    } catch (TokenException e) {
      if (e.kind() != TokenException.Kind.EXPIRED) {
        session.close(Disconnect.INVALID_TOKEN);
        return;
      }
      // Expired refresh token: the connection keeps its old expiry and will be closed with 3005 unless refreshed.
      result.put("expires", true);
      result.put("ttl", 0);
    }
    session.reply(c.id(), "refresh", result);
  }

  private ClientOptions options() {
    return edge.services.config().client();
  }
}
