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
import java.util.function.BiConsumer;

/**
 * What the API tells about the cluster: {@code info} (every node's numbers, from the summaries the
 * nodes share) and {@code channels} (active channels with their subscriber counts, optionally filtered
 * by a glob, asked of every node when called), from {@link ClusterStats}. Called on the API verticle's
 * event loop.
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
    String pattern = req.params().path("pattern").asText("");
    glob(pattern); // a bad pattern is the caller's 107 before any node is asked
    return stats.channels(pattern);
  }

  private Future<JsonNode> info(ApiRequest req) {
    return stats.all().map(nodes -> {
      ObjectNode result = Replies.object();
      ArrayNode out = result.putArray("nodes");
      for (JsonObject n : nodes) {
        // Summaries are Vert.x JSON because they live in the cluster's shared map; each is spliced in
        // as its own encoding (whatever fields that node's version writes), minus the channel list
        // that nodes of older versions still share.
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
