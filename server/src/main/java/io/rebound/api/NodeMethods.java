package io.rebound.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.rebound.bus.ApiRequest;
import io.rebound.codec.Replies;
import io.rebound.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What the API tells about the cluster: {@code info} (every node's numbers) and {@code channels}
 * (active channels with their subscriber counts, optionally filtered by a glob), from {@link
 * ClusterStats}. Called on the API verticle's event loop.
 */
final class NodeMethods {

  private final ClusterStats stats;

  NodeMethods(ClusterStats stats) {
    this.stats = stats;
  }

  void register(BiConsumer<String, ApiMethod> registry) {
    registry.accept("info", this::info);
    registry.accept("channels", this::channels);
  }

  private Future<JsonNode> channels(ApiRequest req) {
    Glob filter = glob(req.params().path("pattern").asText(""));
    return stats.channels().map(channels -> {
      ObjectNode result = Replies.object();
      ObjectNode out = result.putObject("channels");
      channels.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
        if (filter == null || filter.matches(e.getKey())) out.putObject(e.getKey()).put("num_clients", e.getValue());
      });
      return result;
    });
  }

  private Future<JsonNode> info(ApiRequest req) {
    return stats.all().map(nodes -> {
      ObjectNode result = Replies.object();
      ArrayNode out = result.putArray("nodes");
      for (JsonObject n : nodes) {
        // Snapshots are Vert.x JSON because they live in the cluster's shared map; each is spliced in
        // as its own encoding (whatever fields that node's version writes), minus the channel list.
        JsonObject copy = n.copy();
        copy.remove("channels");
        out.addRawValue(new RawValue(copy.encode()));
      }
      return result;
    });
  }

  /** Centrifugo-style glob ({@link Glob}); empty means everything (null); 107 past {@link Glob#MAX_LENGTH} characters. */
  static Glob glob(String pattern) {
    if (pattern.isEmpty()) return null;
    if (pattern.length() > Glob.MAX_LENGTH) {
      throw ErrorCode.BAD_REQUEST.exception("pattern longer than " + Glob.MAX_LENGTH + " characters");
    }
    return Glob.compile(pattern);
  }
}
