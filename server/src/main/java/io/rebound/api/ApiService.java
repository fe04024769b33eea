package io.rebound.api;

import io.rebound.bus.ApiRequest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.rebound.channel.ChannelName;
import io.rebound.bus.Addresses;
import io.rebound.engine.Broadcaster;
import io.rebound.engine.FanoutMessage;
import io.rebound.config.BrokerConfig;
import io.rebound.core.NodeStats;
import java.util.function.Supplier;
import io.rebound.codec.Replies;
import io.rebound.core.AppendResult;
import io.rebound.core.HistoryQuery;
import io.rebound.bus.HistoryRequests;
import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamPosition;
import io.rebound.metrics.BrokerMetrics;
import io.rebound.engine.PresenceStore;
import io.rebound.channel.Channels;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.rebound.recovery.Continuity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The server API (Centrifugo's methods): validates, appends through the history verticle, fans out
 * through the {@link Broadcaster}, and reaches connections through the edges. One instance per node,
 * confined to the ApiVerticle's event loop; every method returns the {@code result} object or fails
 * with a {@link ProtocolException}.
 */
public final class ApiService {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setSendTimeout(10_000);

  private final Vertx vertx;
  private final BrokerConfig config;
  private final Broadcaster broadcaster;
  private final PresenceStore presence;
  private final BrokerMetrics metrics;
  private final IdempotencyCache unstoredKeys = new IdempotencyCache();
  private final ClusterStats stats;

  public ApiService(Vertx vertx, BrokerConfig config, Broadcaster broadcaster, PresenceStore presence, Supplier<Future<NodeStats>> nodeStats, BrokerMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.broadcaster = broadcaster;
    this.presence = presence;
    this.metrics = metrics;
    this.stats = new ClusterStats(vertx, nodeStats, config.name());
  }

  /** Starts sharing this node's statistics with the cluster (for {@code info} and {@code channels}). */
  public void start() {
    stats.startPublishing();
  }

  public Future<JsonNode> call(ApiRequest req) {
    metrics.apiRequest(req.method());
    try {
      return switch (req.method()) {
        case "publish" -> publish(req.params(), req.rawData(), req).map(r -> r);
        case "broadcast" -> broadcast(req);
        case "subscribe" -> control("subscribe", req.params(), true);
        case "unsubscribe" -> control("unsubscribe", req.params(), true);
        case "disconnect" -> disconnect(req.params());
        case "refresh" -> refresh(req.params());
        case "presence" -> presence(req.params());
        case "presence_stats" -> presenceStats(req.params());
        case "history" -> history(req.params());
        case "history_remove" -> historyRemove(req.params());
        case "channels" -> channels(req.params());
        case "info" -> info();
        case "batch" -> batch(req.params());
        default -> Future.failedFuture(ErrorCode.METHOD_NOT_FOUND.exception());
      };
    } catch (ProtocolException e) {
      return Future.failedFuture(e);
    }
  }

  /** Method names {@link #call} understands (HTTP answers 404 for any other). */
  public static final List<String> METHODS = List.of("publish", "broadcast", "subscribe", "unsubscribe", "disconnect", "refresh",
      "presence", "presence_stats", "history", "history_remove", "channels", "info", "batch");

  private Future<ObjectNode> publish(JsonNode params, String rawData, ApiRequest req) {
    ChannelName name = resolve(text(params, "channel"));
    String data = rawData != null ? rawData : (params.has("data") && !params.get("data").isNull() ? params.get("data").toString() : null);
    if (data == null) throw ErrorCode.BAD_REQUEST.exception("data required");
    Map<String, String> tags = null;
    if (params.hasNonNull("tags")) {
      if (!params.get("tags").isObject()) throw ErrorCode.BAD_REQUEST.exception("tags must be an object of strings");
      tags = new LinkedHashMap<>();
      for (var it = params.get("tags").fields(); it.hasNext(); ) {
        var e = it.next();
        tags.put(e.getKey(), e.getValue().asText());
      }
    }
    Publication pub = new Publication(0, data, req.publisher(), tags);
    String idempotencyKey = params.hasNonNull("idempotency_key") ? params.get("idempotency_key").asText() : null;
    // "sync": false is the Mesa-style name of skip_history: an ephemeral publication, delivered live only.
    boolean store = name.options().historyEnabled() && !params.path("skip_history").asBoolean(false) && params.path("sync").asBoolean(true);
    if (!store) {
      if (idempotencyKey != null && !unstoredKeys.firstUse(name.channel() + "\u0000" + idempotencyKey)) return Future.succeededFuture(Replies.object());
      metrics.published();
      broadcaster.publish(FanoutMessage.publication(name.channel(), pub, ""));
      return Future.succeededFuture(Replies.object());
    }
    return vertx.eventBus().<AppendResult>request(Addresses.HISTORY_APPEND,
            new HistoryRequests.Append(name.channel(), pub, name.options().streamOptions(), idempotencyKey), LOCAL)
        .recover(ApiService::engineFailure)
        .map(msg -> {
          AppendResult appended = msg.body();
          StreamPosition pos = appended.position();
          if (!appended.duplicate()) metrics.published();
          // A duplicate is fanned out again: the first attempt may have been stored but never fanned
          // out (its node died in between, or Hazelcast retried the append on a new partition owner),
          // and the retry is then the only chance subscribers get it live. Edges drop offsets they
          // already delivered, so a publication that did go out is not shown twice.
          broadcaster.publish(FanoutMessage.publication(name.channel(), pub.withOffset(pos.offset()), pos.epoch()));
          ObjectNode result = Replies.object();
          result.put("offset", pos.offset());
          result.put("epoch", pos.epoch());
          return result;
        });
  }

  private Future<JsonNode> broadcast(ApiRequest req) {
    JsonNode channels = req.params().get("channels");
    if (channels == null || !channels.isArray() || channels.isEmpty()) throw ErrorCode.BAD_REQUEST.exception("channels required");
    List<Future<JsonNode>> each = new ArrayList<>();
    for (JsonNode ch : channels) {
      ObjectNode params = ((ObjectNode) req.params()).deepCopy();
      params.remove("channels");
      params.put("channel", ch.asText());
      Future<JsonNode> one;
      try {
        one = publish(params, req.rawData(), req).map(r -> (JsonNode) wrap("result", r));
      } catch (ProtocolException e) {
        one = Future.failedFuture(e);
      }
      each.add(one.recover(e -> Future.succeededFuture(errorWrap(e))));
    }
    return Future.join(each).map(all -> {
      ObjectNode result = Replies.object();
      ArrayNode responses = result.putArray("responses");
      for (Future<JsonNode> f : each) responses.add(f.result());
      return result;
    });
  }

  private Future<JsonNode> control(String op, JsonNode params, boolean needsChannel) {
    JsonObject cmd = edgeCommand(op, params);
    if (needsChannel) cmd.put("channel", resolve(text(params, "channel")).channel());
    return sendToEdges(cmd);
  }

  private Future<JsonNode> disconnect(JsonNode params) {
    JsonObject cmd = edgeCommand("disconnect", params)
        .put("code", params.path("disconnect").path("code").asInt(3503))
        .put("reason", params.path("disconnect").path("reason").asText("force disconnect"));
    JsonArray whitelist = new JsonArray();
    params.path("whitelist").forEach(n -> whitelist.add(n.asText()));
    return sendToEdges(cmd.put("whitelist", whitelist));
  }

  private Future<JsonNode> refresh(JsonNode params) {
    JsonObject cmd = edgeCommand("refresh", params).put("expired", params.path("expired").asBoolean(false));
    if (params.has("expire_at")) cmd.put("expire_at", params.get("expire_at").asLong());
    return sendToEdges(cmd);
  }

  /** An operation on a user's connections (optionally one client), for every edge of every node. */
  private static JsonObject edgeCommand(String op, JsonNode params) {
    String user = params.path("user").asText("");
    if (user.isEmpty()) throw ErrorCode.BAD_REQUEST.exception("user required");
    return new JsonObject().put("op", op).put("user", user).put("client", params.path("client").asText(""));
  }

  private Future<JsonNode> sendToEdges(JsonObject cmd) {
    vertx.eventBus().publish(Addresses.EDGE_CONTROL, cmd);
    return Future.succeededFuture(Replies.object());
  }

  private Future<JsonNode> presence(JsonNode params) {
    ChannelName name = resolve(text(params, "channel"));
    if (!name.options().presence()) throw ErrorCode.NOT_AVAILABLE.exception();
    return presence.get(name.channel()).map(Replies::presenceResult);
  }

  private Future<JsonNode> presenceStats(JsonNode params) {
    ChannelName name = resolve(text(params, "channel"));
    if (!name.options().presence()) throw ErrorCode.NOT_AVAILABLE.exception();
    return presence.stats(name.channel()).map(s -> {
      ObjectNode result = Replies.object();
      result.put("num_clients", s.numClients());
      result.put("num_users", s.numUsers());
      return result;
    });
  }

  private Future<JsonNode> history(JsonNode params) {
    ChannelName name = resolve(text(params, "channel"));
    if (!name.options().historyEnabled()) throw ErrorCode.NOT_AVAILABLE.exception();
    int limit = params.path("limit").asInt(0);
    StreamPosition since = null;
    if (params.hasNonNull("since")) {
      JsonNode s = params.get("since");
      if (!s.isObject() || s.path("offset").asLong(0) < 0) throw ErrorCode.BAD_REQUEST.exception("bad since");
      since = new StreamPosition(s.path("offset").asLong(0), s.path("epoch").asText(""));
    }
    boolean reverse = params.path("reverse").asBoolean(false);
    if (reverse && since != null && since.offset() == 0) throw ErrorCode.BAD_REQUEST.exception("reverse needs since.offset > 0");
    StreamPosition from = since;
    return vertx.eventBus().<HistoryResult>request(Addresses.HISTORY_READ,
            new HistoryRequests.Read(name.channel(), new HistoryQuery(since, limit < 0 ? HistoryQuery.NO_LIMIT : limit, reverse), name.options().streamOptions()), LOCAL)
        .recover(ApiService::engineFailure)
        .map(Message::body)
        .map(r -> {
          if (from != null && !Continuity.epochMatches(from, r.top())) {
            throw ErrorCode.UNRECOVERABLE_POSITION.exception();
          }
          return Replies.historyResult(r);
        });
  }

  private Future<JsonNode> historyRemove(JsonNode params) {
    ChannelName name = resolve(text(params, "channel"));
    if (!name.options().historyEnabled()) throw ErrorCode.NOT_AVAILABLE.exception();
    return vertx.eventBus().request(Addresses.HISTORY_REMOVE, new HistoryRequests.Remove(name.channel()), LOCAL)
        .recover(ApiService::engineFailure)
        .map(m -> Replies.object());
  }

  private Future<JsonNode> channels(JsonNode params) {
    Pattern filter = glob(params.path("pattern").asText(""));
    return stats.channels().map(channels -> {
      ObjectNode result = Replies.object();
      ObjectNode out = result.putObject("channels");
      channels.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
        if (filter == null || filter.matcher(e.getKey()).matches()) out.putObject(e.getKey()).put("num_clients", e.getValue());
      });
      return result;
    });
  }

  private Future<JsonNode> info() {
    return stats.all().map(nodes -> {
      ObjectNode result = Replies.object();
      ArrayNode out = result.putArray("nodes");
      for (JsonObject n : nodes) {
        JsonObject copy = n.copy();
        copy.remove("channels");
        out.addRawValue(new RawValue(copy.encode()));
      }
      return result;
    });
  }

  private Future<JsonNode> batch(JsonNode params) {
    JsonNode commands = params.get("commands");
    if (commands == null || !commands.isArray()) throw ErrorCode.BAD_REQUEST.exception("commands required");
    List<Future<JsonNode>> replies = new ArrayList<>();
    Future<?> previous = Future.succeededFuture();
    boolean parallel = params.path("parallel").asBoolean(false);
    for (JsonNode command : commands) {
      var fields = command.fields();
      if (!fields.hasNext()) throw ErrorCode.BAD_REQUEST.exception("empty batch command");
      var entry = fields.next();
      String method = entry.getKey();
      if (method.equals("batch")) throw ErrorCode.BAD_REQUEST.exception("nested batch");
      ApiRequest sub = new ApiRequest(method, entry.getValue(), null, null);
      // Sequential by default, so publishes to one channel keep their order.
      Future<JsonNode> reply = (parallel ? Future.succeededFuture() : previous.transform(ar -> Future.succeededFuture()))
          .compose(v -> call(sub))
          .map(r -> (JsonNode) wrap(method, r))
          .recover(e -> Future.succeededFuture(errorWrap(e)));
      replies.add(reply);
      previous = reply;
    }
    return Future.join(replies).map(all -> {
      ObjectNode result = Replies.object();
      ArrayNode out = result.putArray("replies");
      for (Future<JsonNode> f : replies) out.add(f.result());
      return result;
    });
  }

  private static ObjectNode wrap(String field, JsonNode value) {
    ObjectNode n = Replies.object();
    n.set(field, value);
    return n;
  }

  private static ObjectNode errorWrap(Throwable e) {
    ProtocolException pe = e instanceof ProtocolException p ? p : ErrorCode.INTERNAL.exception();
    ObjectNode n = Replies.object();
    n.putObject("error").put("code", pe.code()).put("message", pe.getMessage());
    return n;
  }

  private ChannelName resolve(String channel) {
    return Channels.resolve(channel, config);
  }

  private static String text(JsonNode params, String field) {
    JsonNode n = params.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  /** Centrifugo-style glob: {@code *} any run, {@code ?} one character; empty means everything. */
  static Pattern glob(String pattern) {
    if (pattern.isEmpty()) return null;
    StringBuilder re = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      if (c == '*') re.append(".*");
      else if (c == '?') re.append('.');
      else re.append(Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(re.toString());
  }

  private static <T> Future<T> engineFailure(Throwable cause) {
    if (cause instanceof ProtocolException) return Future.failedFuture(cause);
    // The engine is unreachable or slow: a temporary error the caller may retry, never a hang.
    return Future.failedFuture(new ProtocolException(ErrorCode.INTERNAL, "history engine unavailable: " + cause.getMessage()));
  }
}
