package io.rebound.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.bus.ApiRequest;
import io.rebound.channel.ChannelName;
import io.rebound.codec.Replies;
import io.rebound.config.BrokerConfig;
import io.rebound.core.HistoryQuery;
import io.rebound.core.StreamPosition;
import io.rebound.engine.PresenceStore;
import io.rebound.protocol.ErrorCode;
import io.rebound.recovery.Continuity;
import io.vertx.core.Future;
import java.util.function.BiConsumer;

/**
 * What the API tells about one channel: {@code presence}, {@code presence_stats}, {@code history},
 * {@code history_remove}. Each answers 108 "not available" when the channel's namespace does not
 * keep presence (or history). Stateless; called on the API verticle's event loop.
 */
final class ChannelMethods {

  private final BrokerConfig config;
  private final PresenceStore presence;
  private final HistoryCalls history;

  ChannelMethods(BrokerConfig config, PresenceStore presence, HistoryCalls history) {
    this.config = config;
    this.presence = presence;
    this.history = history;
  }

  void register(BiConsumer<String, ApiMethod> registry) {
    registry.accept("presence", this::presence);
    registry.accept("presence_stats", this::presenceStats);
    registry.accept("history", this::history);
    registry.accept("history_remove", this::historyRemove);
  }

  private Future<JsonNode> presence(ApiRequest req) {
    ChannelName name = withPresence(req.params());
    return presence.get(name.channel()).map(Replies::presenceResult);
  }

  private Future<JsonNode> presenceStats(ApiRequest req) {
    ChannelName name = withPresence(req.params());
    return presence.stats(name.channel()).map(s -> {
      ObjectNode result = Replies.object();
      result.put("num_clients", s.numClients());
      result.put("num_users", s.numUsers());
      return result;
    });
  }

  /**
   * Publications after {@code since} (or from the oldest kept, or newest first with {@code reverse}),
   * at most {@code limit} ({@code 0} top only, negative all), with the stream's top. A {@code since}
   * in another epoch is 112 "unrecoverable position": its offsets mean nothing in this stream.
   */
  private Future<JsonNode> history(ApiRequest req) {
    JsonNode params = req.params();
    ChannelName name = withHistory(params);
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
    HistoryQuery query = new HistoryQuery(since, limit < 0 ? HistoryQuery.NO_LIMIT : limit, reverse);
    return history.read(name.channel(), query, name.options().streamOptions()).map(r -> {
      if (from != null && !Continuity.epochMatches(from, r.top())) throw ErrorCode.UNRECOVERABLE_POSITION.exception();
      return Replies.historyResult(r);
    });
  }

  private Future<JsonNode> historyRemove(ApiRequest req) {
    ChannelName name = withHistory(req.params());
    return history.remove(name.channel()).map(v -> Replies.object());
  }

  private ChannelName withPresence(JsonNode params) {
    ChannelName name = ApiParams.channel(params, config);
    if (!name.options().presence()) throw ErrorCode.NOT_AVAILABLE.exception();
    return name;
  }

  private ChannelName withHistory(JsonNode params) {
    ChannelName name = ApiParams.channel(params, config);
    if (!name.options().historyEnabled()) throw ErrorCode.NOT_AVAILABLE.exception();
    return name;
  }
}
