package io.rebound.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.bus.ApiRequest;
import io.rebound.bus.Errors;
import io.rebound.channel.ChannelName;
import io.rebound.channel.Channels;
import io.rebound.codec.JsonPayloads;
import io.rebound.codec.Replies;
import io.rebound.config.BrokerConfig;
import io.rebound.core.AppendResult;
import io.rebound.core.Payload;
import io.rebound.core.Publication;
import io.rebound.core.StreamPosition;
import io.rebound.engine.Broadcaster;
import io.rebound.engine.FanoutMessage;
import io.rebound.metrics.BrokerMetrics;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * {@code publish}, {@code broadcast} and {@code batch}: a publication is stored in the history
 * engine when its namespace keeps history (then fanned out with its offset), or fanned out at
 * once, live only. The publication frame is encoded once here, for every subscriber of every node.
 *
 * <p>Thread-safe: a request is checked on the caller's loop, and its publication stored and handed to
 * fan-out on its channel's shard ({@link ChannelShards}); the idempotency keys of unstored
 * publications are kept per shard, which is enough because a key is only ever compared within
 * its channel.
 */
final class PublishMethods {

  private final BrokerConfig config;
  private final Broadcaster broadcaster;
  private final HistoryCalls history;
  private final ChannelShards shards;
  private final BrokerMetrics metrics;
  private final ApiMethod dispatcher;
  /** Per shard, touched only on that shard's loop. */
  private final IdempotencyCache[] unstoredKeys;

  /** @param dispatcher runs one method by name (the registry), for the commands of a batch */
  PublishMethods(BrokerConfig config, Broadcaster broadcaster, HistoryCalls history, ChannelShards shards, BrokerMetrics metrics, ApiMethod dispatcher) {
    this.config = config;
    this.broadcaster = broadcaster;
    this.history = history;
    this.shards = shards;
    this.metrics = metrics;
    this.dispatcher = dispatcher;
    this.unstoredKeys = new IdempotencyCache[shards.count()];
    for (int i = 0; i < unstoredKeys.length; i++) unstoredKeys[i] = new IdempotencyCache();
  }

  void register(BiConsumer<String, ApiMethod> registry) {
    registry.accept("publish", req -> publish(ApiParams.text(req.params(), "channel"), req));
    registry.accept("broadcast", this::broadcast);
    registry.accept("batch", this::batch);
  }

  /**
   * One publication to {@code channel}; the payload is {@code params.b64data} (binary, base64) when
   * given, else {@code req.data()} (exact text or bytes) or {@code params.data}. 107 when it is
   * larger than {@code publication_size_limit}: no subscriber's queue could take it.
   */
  private Future<JsonNode> publish(String channel, ApiRequest req) {
    JsonNode params = req.params();
    ChannelName name = Channels.resolve(channel, config);
    Payload data = payload(req);
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
    long size = PublicationSize.of(pub);
    int limit = config.limits().publicationSizeLimit();
    if (size > limit) {
      throw ErrorCode.BAD_REQUEST.exception("publication too large: " + size + " bytes, publication_size_limit is " + limit);
    }
    String idempotencyKey = IdempotencyScope.scoped(req.publisher(),
        params.hasNonNull("idempotency_key") ? params.get("idempotency_key").asText() : null);
    // "sync": false is the Mesa-style name of skip_history: an ephemeral publication, delivered live only.
    boolean store = name.options().historyEnabled() && !params.path("skip_history").asBoolean(false) && params.path("sync").asBoolean(true);
    return shards.run(name.channel(), shard -> store ? stored(name, pub, idempotencyKey) : live(name, pub, idempotencyKey, unstoredKeys[shard]));
  }

  /** A publication without history, fanned out at once; on its channel's shard. */
  private Future<JsonNode> live(ChannelName name, Publication pub, String idempotencyKey, IdempotencyCache keys) {
    if (idempotencyKey != null && !keys.firstUse(name.channel() + "\u0000" + idempotencyKey)) return Future.succeededFuture(Replies.object());
    metrics.published();
    broadcaster.publish(FanoutMessage.publication(name.channel(), pub, ""));
    return Future.succeededFuture(Replies.object());
  }

  /** A publication stored first, then fanned out with its offset; on its channel's shard. */
  private Future<JsonNode> stored(ChannelName name, Publication pub, String idempotencyKey) {
    return history.append(name.channel(), pub, name.options().streamOptions(), idempotencyKey)
        .map(appended -> {
          StreamPosition pos = appended.position();
          if (!appended.duplicate()) metrics.published();
          // A duplicate is fanned out again: the first attempt may have been stored but never fanned
          // out (its node died in between, or Hazelcast retried the append on a new partition owner),
          // and the retry is then the only chance subscribers get it live. Edges drop offsets they
          // already delivered, so a publication that did go out is not shown twice.
          // (With engine: redis the fan-out goes through Redis pub/sub and comes back to this node's
          // edges too: local subscribers wait one Redis round trip, and every node sees one order.)
          broadcaster.publish(FanoutMessage.publication(name.channel(), pub.withOffset(pos.offset()), pos.epoch()));
          return position(appended);
        });
  }

  /**
   * The publication's payload: {@code b64data} wins over {@code data}, as in Centrifugo. Bytes that
   * happen to be one JSON value reach JSON subscribers too; others only Protobuf ones.
   */
  private static Payload payload(ApiRequest req) {
    JsonNode params = req.params();
    String b64 = params.path("b64data").asText("");
    if (!b64.isEmpty()) {
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(b64);
      } catch (IllegalArgumentException e) {
        throw ErrorCode.BAD_REQUEST.exception("b64data is not base64");
      }
      if (bytes.length == 0) throw ErrorCode.BAD_REQUEST.exception("data required");
      return JsonPayloads.of(bytes);
    }
    if (req.data() != null) return req.data();
    JsonNode data = params.get("data");
    if (data == null || data.isNull()) throw ErrorCode.BAD_REQUEST.exception("data required");
    return Payload.json(data.toString());
  }

  private static JsonNode position(AppendResult appended) {
    ObjectNode result = Replies.object();
    result.put("offset", appended.position().offset());
    result.put("epoch", appended.position().epoch());
    return result;
  }

  /** The same publication to several channels; one {@code {result}} or {@code {error}} per channel, in order. */
  private Future<JsonNode> broadcast(ApiRequest req) {
    JsonNode channels = req.params().get("channels");
    if (channels == null || !channels.isArray() || channels.isEmpty()) throw ErrorCode.BAD_REQUEST.exception("channels required");
    List<Future<JsonNode>> each = new ArrayList<>();
    for (JsonNode ch : channels) {
      Future<JsonNode> one;
      try {
        one = publish(ch.asText(), req).map(r -> ApiReplies.wrap("result", r));
      } catch (ProtocolException e) {
        one = Future.failedFuture(e);
      }
      each.add(one.recover(e -> Future.succeededFuture(ApiReplies.error(Errors.toProtocol(e)))));
    }
    return Future.join(each).map(all -> {
      ObjectNode result = Replies.object();
      ArrayNode responses = result.putArray("responses");
      for (Future<JsonNode> f : each) responses.add(f.result());
      return result;
    });
  }

  /**
   * Several calls in one request, answered {@code {"<method>":result}} or {@code {"error":…}} each,
   * in order; sequential unless {@code parallel}, so publishes to one channel keep their order. At
   * most {@code api_batch_max_size} commands: a longer batch is refused as a whole (107).
   */
  private Future<JsonNode> batch(ApiRequest req) {
    JsonNode commands = req.params().get("commands");
    if (commands == null || !commands.isArray()) throw ErrorCode.BAD_REQUEST.exception("commands required");
    int max = config.limits().apiBatchMaxSize();
    if (commands.size() > max) {
      throw ErrorCode.BAD_REQUEST.exception("batch too long: " + commands.size() + " commands, api_batch_max_size is " + max);
    }
    // Every command is checked before the first one runs: a batch refused as a whole has done
    // nothing, so the caller can fix it and send it again without publishing twice.
    List<ApiRequest> calls = new ArrayList<>();
    for (JsonNode command : commands) {
      if (!command.isObject()) throw ErrorCode.BAD_REQUEST.exception("batch command must be an object");
      var fields = command.fields();
      if (!fields.hasNext()) throw ErrorCode.BAD_REQUEST.exception("empty batch command");
      var entry = fields.next();
      if (entry.getKey().equals("batch")) throw ErrorCode.BAD_REQUEST.exception("nested batch");
      calls.add(new ApiRequest(entry.getKey(), entry.getValue(), null, null));
    }
    Future<List<JsonNode>> replies;
    if (req.params().path("parallel").asBoolean(false)) {
      List<Future<JsonNode>> each = new ArrayList<>(calls.size());
      for (ApiRequest call : calls) each.add(answer(call));
      replies = Future.join(each).map(all -> each.stream().map(Future::result).toList());
    } else {
      replies = SequentialCalls.run(calls, this::answer);
    }
    return replies.map(all -> {
      ObjectNode result = Replies.object();
      ArrayNode out = result.putArray("replies");
      all.forEach(out::add);
      return result;
    });
  }

  /** One batch command's answer: {@code {"<method>":result}} or {@code {"error":…}}, never a failed future. */
  private Future<JsonNode> answer(ApiRequest call) {
    return dispatcher.call(call)
        .map(r -> (JsonNode) ApiReplies.wrap(call.method(), r))
        .recover(e -> Future.succeededFuture(ApiReplies.error(Errors.toProtocol(e))));
  }
}
