package io.rebound.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.bus.Addresses;
import io.rebound.bus.ApiRequest;
import io.rebound.bus.ClusterSigner;
import io.rebound.codec.Replies;
import io.rebound.config.BrokerConfig;
import io.rebound.core.Utf8;
import io.rebound.protocol.Disconnect;
import io.rebound.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.BiConsumer;

/**
 * Operations on a user's connections (optionally one client of the user): {@code subscribe},
 * {@code unsubscribe}, {@code disconnect}, {@code refresh}. Each is published once on {@link
 * Addresses#EDGE_CONTROL}, which every edge of every node consumes; the call answers at once with
 * an empty result, as Centrifugo does (fire and forget: a user with no connection is not an error).
 *
 * <p>Edges obey only control messages signed with the cluster secret ({@link ClusterSigner#seal}).
 *
 * <p>The control message is Vert.x JSON on purpose: it is the event-bus contract read by the edges
 * ({@code EdgeVerticle.onControl}) and crosses nodes with the bus's own JSON codec; this class is the
 * only place in the API that builds one.
 */
final class ConnectionMethods {

  /** Close codes an application may use (RFC 6455 §7.4.2: 3000–3999 registered, 4000–4999 private). */
  static final int MIN_CLOSE_CODE = 3000;
  static final int MAX_CLOSE_CODE = 4999;
  /** A close frame's payload is at most 125 bytes, two of them the code. */
  static final int MAX_REASON_BYTES = 123;

  private final EventBus eventBus;
  private final BrokerConfig config;
  private final ClusterSigner signer;

  ConnectionMethods(EventBus eventBus, BrokerConfig config) {
    this.eventBus = eventBus;
    this.config = config;
    this.signer = ClusterSigner.of(config.cluster().secret());
  }

  void register(BiConsumer<String, ApiMethod> registry) {
    registry.accept("subscribe", req -> toChannel("subscribe", req));
    registry.accept("unsubscribe", req -> toChannel("unsubscribe", req));
    registry.accept("disconnect", this::disconnect);
    registry.accept("refresh", this::refresh);
  }

  private Future<JsonNode> toChannel(String op, ApiRequest req) {
    JsonObject cmd = control(op, req.params());
    return send(cmd.put("channel", ApiParams.channel(req.params(), config).channel()));
  }

  /**
   * Closes the user's connections with {@code disconnect.code} (default 3503) and {@code
   * disconnect.reason}. The code must be one an application may send in a WebSocket close frame,
   * 3000–4999 (107 otherwise: 0, 1005 or 70000 would make an invalid frame); the reason is cut to the
   * 123 UTF-8 bytes a close frame can carry, at a code point boundary.
   */
  private Future<JsonNode> disconnect(ApiRequest req) {
    JsonNode params = req.params();
    JsonNode given = params.path("disconnect");
    JsonNode code = given.path("code");
    if (!code.isMissingNode() && !code.isNull()
        && (!code.isIntegralNumber() || !code.canConvertToInt() || code.intValue() < MIN_CLOSE_CODE || code.intValue() > MAX_CLOSE_CODE)) {
      throw ErrorCode.BAD_REQUEST.exception("disconnect code must be an integer in " + MIN_CLOSE_CODE + ".." + MAX_CLOSE_CODE);
    }
    JsonObject cmd = control("disconnect", params)
        .put("code", code.isIntegralNumber() ? code.intValue() : Disconnect.FORCE_DISCONNECT.code())
        .put("reason", Utf8.truncate(given.path("reason").asText(Disconnect.FORCE_DISCONNECT.reason()), MAX_REASON_BYTES));
    JsonArray whitelist = new JsonArray();
    params.path("whitelist").forEach(n -> whitelist.add(n.asText()));
    return send(cmd.put("whitelist", whitelist));
  }

  private Future<JsonNode> refresh(ApiRequest req) {
    JsonNode params = req.params();
    JsonObject cmd = control("refresh", params).put("expired", params.path("expired").asBoolean(false));
    if (params.has("expire_at")) cmd.put("expire_at", params.get("expire_at").asLong());
    return send(cmd);
  }

  /** {@code {op, user, client}}: the user is required, the client narrows the operation to one connection. */
  private static JsonObject control(String op, JsonNode params) {
    String user = params.path("user").asText("");
    if (user.isEmpty()) throw ErrorCode.BAD_REQUEST.exception("user required");
    return new JsonObject().put("op", op).put("user", user).put("client", params.path("client").asText(""));
  }

  private Future<JsonNode> send(JsonObject cmd) {
    eventBus.publish(Addresses.EDGE_CONTROL, signer.seal(cmd, System.currentTimeMillis()));
    return Future.succeededFuture(Replies.object());
  }
}
