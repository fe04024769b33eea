package io.rebound.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** JSON of the client protocol (PROTOCOL.md §2–4): parsing replies and pushes, building commands. */
final class Wire {

  static final ObjectMapper JSON = new ObjectMapper();

  private Wire() {}

  static JsonNode parse(String line) throws IOException {
    return JSON.readTree(line);
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** {@code {"id":id,"<method>":params}}. */
  static String command(long id, String method, ObjectNode params) {
    ObjectNode c = object();
    c.put("id", id);
    c.set(method, params);
    return c.toString();
  }

  static Publication publication(String channel, JsonNode p) {
    Map<String, String> tags = Map.of();
    JsonNode t = p.get("tags");
    if (t != null && t.isObject() && !t.isEmpty()) {
      Map<String, String> m = new HashMap<>();
      t.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
      tags = Map.copyOf(m);
    }
    return new Publication(channel, p.path("offset").asLong(0), p.get("data"), info(p.get("info")), tags);
  }

  static List<Publication> publications(String channel, JsonNode array) {
    List<Publication> list = new ArrayList<>();
    if (array != null && array.isArray()) array.forEach(p -> list.add(publication(channel, p)));
    return list;
  }

  static ClientInfo info(JsonNode i) {
    if (i == null || !i.isObject()) return null;
    return new ClientInfo(i.path("user").asText(""), i.path("client").asText(""), i.get("conn_info"), i.get("chan_info"));
  }

  static StreamPosition position(JsonNode p) {
    if (p == null || !p.isObject()) return null;
    return new StreamPosition(p.path("offset").asLong(0), p.path("epoch").asText(""));
  }

  static ObjectNode position(StreamPosition p) {
    ObjectNode n = object();
    n.put("offset", p.offset());
    if (!p.epoch().isEmpty()) n.put("epoch", p.epoch());
    return n;
  }

  static ReplyException error(JsonNode e) {
    return new ReplyException(e.path("code").asInt(0), e.path("message").asText(""), e.path("temporary").asBoolean(false));
  }
}
