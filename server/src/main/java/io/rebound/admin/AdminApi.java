package io.rebound.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.bus.Addresses;
import io.rebound.bus.ApiReply;
import io.rebound.bus.ApiRequest;
import io.rebound.bus.Errors;
import io.rebound.protocol.Disconnect;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin page's operations. Every channel or connection operation is a server API call made
 * through this node's {@link Addresses#API_LOCAL} door (the same path the HTTP API takes), so the
 * page can do nothing the server API cannot, and validation lives in one place; the admin layer adds
 * only what a person at a screen needs: bounded lists, a channel's facts in one answer, node
 * snapshots with their per-second series, and an audit line for every change it makes.
 *
 * <p>Each operation takes the JSON params the page sent and completes with the {@code result}, or
 * fails with a {@link ProtocolException}. Thread-safe.
 */
final class AdminApi {

  private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int DEFAULT_CHANNELS = 100;
  static final int MAX_CHANNELS = 1_000;
  static final int DEFAULT_HISTORY_PAGE = 20;
  static final int MAX_HISTORY_PAGE = 100;
  /** Close code → reason, for the chart's legend (from {@link Disconnect}'s constants). */
  static final Map<String, String> DISCONNECT_NAMES = disconnectNames();

  private final Vertx vertx;
  private final ClusterBoard board;

  AdminApi(Vertx vertx, ClusterBoard board) {
    this.vertx = vertx;
    this.board = board;
  }

  /** Runs {@code op} for an operator at {@code remote} (named in the audit log). */
  Future<JsonNode> call(String op, JsonNode params, String remote) {
    try {
      return switch (op) {
        case "overview" -> overview(params);
        case "channels" -> channels(params);
        case "channel" -> channel(params);
        case "history" -> history(params);
        case "presence" -> server("presence", JSON.createObjectNode().put("channel", required(params, "channel")));
        case "publish" -> publish(params, remote);
        case "disconnect" -> disconnect(params, remote);
        default -> Future.failedFuture(ErrorCode.METHOD_NOT_FOUND.exception("unknown admin operation: " + op));
      };
    } catch (ProtocolException e) {
      return Future.failedFuture(e);
    }
  }

  /** Every node with its samples after {@code since} (epoch second; 0 for the whole ring). */
  private Future<JsonNode> overview(JsonNode params) {
    long since = params.path("since").asLong(0);
    return board.nodes(since).map(nodes -> {
      ObjectNode out = JSON.createObjectNode();
      out.put("node", board.uid()).put("now", System.currentTimeMillis()).put("history_seconds", ClusterBoard.HISTORY_SECONDS);
      out.putArray("nodes").addAll(nodes);
      ObjectNode names = out.putObject("disconnect_codes");
      DISCONNECT_NAMES.forEach(names::put);
      return out;
    });
  }

  /** Channels matching {@code pattern} (a glob), busiest first, at most {@code limit}, with the total count. */
  private Future<JsonNode> channels(JsonNode params) {
    int limit = bounded(params, "limit", DEFAULT_CHANNELS, MAX_CHANNELS);
    String pattern = params.path("pattern").asText("");
    return server("channels", JSON.createObjectNode().put("pattern", pattern)).map(result -> {
      List<Map.Entry<String, Integer>> all = new ArrayList<>();
      result.path("channels").fields().forEachRemaining(e -> all.add(Map.entry(e.getKey(), e.getValue().path("num_clients").asInt())));
      all.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
      ObjectNode out = JSON.createObjectNode();
      out.put("total", all.size());
      ArrayNode list = out.putArray("channels");
      for (Map.Entry<String, Integer> e : all.subList(0, Math.min(limit, all.size()))) {
        list.addObject().put("channel", e.getKey()).put("subscribers", e.getValue());
      }
      return out;
    });
  }

  /**
   * One channel's facts: subscribers (cluster-wide), stream top (offset and epoch) and presence
   * counts; a part the channel's namespace does not offer is reported as that part's error.
   */
  private Future<JsonNode> channel(JsonNode params) {
    String channel = required(params, "channel");
    Future<JsonNode> subscribers = server("channels", JSON.createObjectNode().put("pattern", channel));
    Future<JsonNode> top = server("history", JSON.createObjectNode().put("channel", channel).put("limit", 0));
    Future<JsonNode> presence = server("presence_stats", JSON.createObjectNode().put("channel", channel));
    return Future.join(subscribers, top, presence).transform(ignored -> {
      if (top.failed() && top.cause() instanceof ProtocolException pe && pe.error() == ErrorCode.UNKNOWN_CHANNEL) {
        return Future.failedFuture(pe);
      }
      ObjectNode out = JSON.createObjectNode();
      out.put("channel", channel);
      out.put("subscribers", subscribers.succeeded() ? subscribers.result().path("channels").path(channel).path("num_clients").asInt(0) : 0);
      part(out, "stream", top, r -> JSON.createObjectNode().put("offset", r.path("offset").asLong()).put("epoch", r.path("epoch").asText()));
      part(out, "presence", presence, r -> r);
      return Future.succeededFuture(out);
    });
  }

  private static void part(ObjectNode out, String field, Future<JsonNode> f, UnaryOperator<JsonNode> shape) {
    if (f.succeeded()) {
      out.set(field, shape.apply(f.result()));
    } else {
      ProtocolException e = Errors.toProtocol(f.cause());
      out.putObject(field + "_error").put("code", e.code()).put("message", e.getMessage());
    }
  }

  /** A page of history: the server API's {@code history} with the page size capped. */
  private Future<JsonNode> history(JsonNode params) {
    ObjectNode p = JSON.createObjectNode().put("channel", required(params, "channel"))
        .put("limit", bounded(params, "limit", DEFAULT_HISTORY_PAGE, MAX_HISTORY_PAGE))
        .put("reverse", params.path("reverse").asBoolean(false));
    if (params.path("since").isObject()) p.set("since", params.get("since"));
    return server("history", p);
  }

  private Future<JsonNode> publish(JsonNode params, String remote) {
    String channel = required(params, "channel");
    if (!params.has("data")) throw ErrorCode.BAD_REQUEST.exception("data required");
    ObjectNode p = JSON.createObjectNode().put("channel", channel);
    p.set("data", params.get("data"));
    return server("publish", p).andThen(ar -> {
      if (ar.succeeded()) {
        LOG.info("event=admin_publish remote={} channel=\"{}\" offset={} epoch={}", remote, channel,
            ar.result().path("offset").asLong(0), ar.result().path("epoch").asText(""));
      } else {
        LOG.info("event=admin_publish_failed remote={} channel=\"{}\" error=\"{}\"", remote, channel, ar.cause().getMessage());
      }
    });
  }

  /** Disconnects a user's connections (or one client of theirs): reconnecting (3011) or for good (3503). */
  private Future<JsonNode> disconnect(JsonNode params, String remote) {
    String user = required(params, "user");
    String client = params.path("client").asText("");
    Disconnect how = params.path("reconnect").asBoolean(false) ? Disconnect.FORCE_RECONNECT : Disconnect.FORCE_DISCONNECT;
    ObjectNode p = JSON.createObjectNode().put("user", user).put("client", client);
    p.putObject("disconnect").put("code", how.code()).put("reason", how.reason());
    LOG.info("event=admin_disconnect remote={} user=\"{}\" client=\"{}\" code={}", remote, user, client, how.code());
    return server("disconnect", p);
  }

  /** A server API call through this node's local door: its result, or its error as a failure. */
  private Future<JsonNode> server(String method, ObjectNode params) {
    return vertx.eventBus().<ApiReply>request(Addresses.API_LOCAL, new ApiRequest(method, params, null, null), Addresses.REQUEST)
        .map(Message::body)
        .recover(Errors::failed)
        .compose(reply -> reply.error() != null ? Future.failedFuture(reply.error()) : Future.succeededFuture(reply.result()));
  }

  private static String required(JsonNode params, String field) {
    String value = params.path(field).asText("");
    if (value.isEmpty()) throw ErrorCode.BAD_REQUEST.exception(field + " required");
    return value;
  }

  private static int bounded(JsonNode params, String field, int def, int max) {
    int n = params.path(field).asInt(def);
    return Math.max(1, Math.min(max, n));
  }

  private static Map<String, String> disconnectNames() {
    Map<String, String> out = new TreeMap<>();
    for (var f : Disconnect.class.getFields()) {
      if (f.getType() != Disconnect.class || !Modifier.isStatic(f.getModifiers())) continue;
      try {
        Disconnect d = (Disconnect) f.get(null);
        out.merge(String.valueOf(d.code()), d.reason(), (a, b) -> a + " / " + b);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    return Collections.unmodifiableMap(out);
  }
}
