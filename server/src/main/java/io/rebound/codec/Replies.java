package io.rebound.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.rebound.core.ClientInfo;
import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;

/**
 * JSON tree helpers for the server API and the health endpoints: results as {@link ObjectNode}s,
 * with publications and client infos in the same form clients get them ({@link JsonText}). The
 * client protocol's replies are encoded by its {@link WireCodec}.
 */
public final class Replies {

  public static final ObjectMapper JSON = new ObjectMapper();

  private Replies() {}

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** Publications as a JSON array whose {@code data} members are the stored raw JSON. */
  public static ArrayNode publications(List<Publication> pubs) {
    ArrayNode arr = JsonNodeFactory.instance.arrayNode(pubs.size());
    StringBuilder sb = new StringBuilder(256);
    for (Publication p : pubs) {
      sb.setLength(0);
      arr.addRawValue(new RawValue(JsonText.publication(sb, p).toString()));
    }
    return arr;
  }

  /** A history result: publications, epoch and top offset (all three always present, as in Centrifugo). */
  public static ObjectNode historyResult(HistoryResult r) {
    ObjectNode result = object();
    result.set("publications", publications(r.publications()));
    result.put("epoch", r.top().epoch());
    result.put("offset", r.top().offset());
    return result;
  }

  /** A presence result: client id → client info. */
  public static ObjectNode presenceResult(Map<String, ClientInfo> members) {
    ObjectNode result = object();
    ObjectNode out = result.putObject("presence");
    members.forEach((client, info) -> out.putRawValue(client, new RawValue(JsonText.clientInfo(new StringBuilder(), info).toString())));
    return result;
  }

  public static Buffer encode(JsonNode node) {
    try {
      return Buffer.buffer(JSON.writeValueAsBytes(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode reply", e);
    }
  }
}
