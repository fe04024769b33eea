package io.rebound.codec.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.codec.BadFrameException;
import io.rebound.codec.ClientCommand;
import io.rebound.codec.CommandDecoder;
import io.rebound.codec.Request;
import io.rebound.core.StreamPosition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes the JSON client protocol: a frame is newline-delimited commands (blank lines skipped),
 * each {@code {"id":N,"<method>":{...}}}. The {@code data} member of a request is kept as the exact
 * text the client sent, so a payload reaches subscribers byte for byte. Anything that is not a JSON
 * object with at most one known request field fails with {@link BadFrameException}; unknown
 * envelope fields are ignored, as newer SDKs may add some. Field values are read leniently, as
 * Jackson's {@code as*} conversions do (a string {@code "true"} is a true flag); checking them is
 * the session's job. Stateless and thread-safe.
 */
final class JsonCommandDecoder {

  static final Set<String> METHODS = Set.of("connect", "subscribe", "unsubscribe", "publish", "presence",
      "presence_stats", "history", "ping", "send", "rpc", "refresh", "sub_refresh");

  private JsonCommandDecoder() {}

  static List<ClientCommand> decodeFrame(String frame) {
    List<ClientCommand> out = new ArrayList<>(1);
    int start = 0;
    int len = frame.length();
    while (start <= len) {
      int nl = frame.indexOf('\n', start);
      int end = nl < 0 ? len : nl;
      if (!isBlank(frame, start, end)) out.add(decode(frame.substring(start, end)));
      if (nl < 0) break;
      start = nl + 1;
    }
    return out;
  }

  static ClientCommand decode(String line) {
    try (JsonParser p = CommandDecoder.FACTORY.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new BadFrameException("command is not a JSON object");
      long id = 0;
      String method = null;
      JsonNode params = NullNode.getInstance();
      String rawData = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("id")) {
          if (value != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0) throw new BadFrameException("bad id");
          id = p.getLongValue();
        } else if (METHODS.contains(field)) {
          if (method != null) throw new BadFrameException("more than one request in a command");
          method = field;
          if (value == JsonToken.START_OBJECT) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            rawData = CommandDecoder.readObject(p, line, body);
            params = body;
          } else if (value != JsonToken.VALUE_NULL) {
            throw new BadFrameException(field + " must be an object");
          }
        } else {
          p.skipChildren();
        }
      }
      if (p.nextToken() != null) throw new BadFrameException("trailing data after command");
      return new ClientCommand(id, method == null ? null : request(method, new Fields(params), rawData));
    } catch (IOException e) {
      throw new BadFrameException(CommandDecoder.describe(e));
    }
  }

  private static Request request(String method, Fields f, String data) {
    return switch (method) {
      case "connect" -> new Request.Connect(f.text("token"), data, f.text("name"), f.text("version"), subs(f.node("subs")),
          f.node("sync").asBoolean(true), f.node("discontinuity").asBoolean(false), f.number("resume_window", 0), resume(f.node("resume")),
          headers(f.node("headers")));
      case "subscribe" -> new Request.Subscribe(f.text("channel"), f.text("token"), f.flag("recover"), f.number("offset", 0),
          f.text("epoch"), f.flag("recoverable"), f.flag("positioned"), f.flag("join_leave"), data);
      case "unsubscribe" -> new Request.Unsubscribe(f.text("channel"));
      case "publish" -> new Request.Publish(f.text("channel"), data, f.text("idempotency_key"));
      case "history" -> history(f);
      case "presence" -> new Request.Presence(f.text("channel"));
      case "presence_stats" -> new Request.PresenceStats(f.text("channel"));
      case "refresh" -> new Request.Refresh(f.text("token"));
      case "sub_refresh" -> new Request.SubRefresh(f.text("channel"), f.text("token"));
      case "rpc" -> new Request.Rpc(f.text("method"), data);
      case "send" -> new Request.Send(data);
      case "ping" -> new Request.Ping();
      default -> throw new IllegalStateException("method without a request: " + method);
    };
  }

  /** The SDK's emulated headers: an object of strings; anything else is ignored (they only feed the backend proxy). */
  private static Map<String, String> headers(JsonNode headers) {
    if (!headers.isObject() || headers.isEmpty()) return Map.of();
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isTextual()) out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }

  /** {@code connect.subs}: channel → position; anything that is not an object holds none. */
  private static Map<String, Request.SubPosition> subs(JsonNode subs) {
    if (!subs.isObject()) return Map.of();
    Map<String, Request.SubPosition> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = subs.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode at = e.getValue();
      out.put(e.getKey(), new Request.SubPosition(at.path("recover").asBoolean(false), at.path("offset").asLong(0), at.path("epoch").asText("")));
    }
    return out;
  }

  /** {@code connect.resume}; one that is not an object names no session. */
  private static Request.Resume resume(JsonNode resume) {
    if (resume.isMissingNode()) return null;
    if (!resume.isObject()) return new Request.Resume(null, -1);
    return new Request.Resume(resume.path("session").asText(null), resume.path("received").asLong(-1));
  }

  private static Request.History history(Fields f) {
    JsonNode since = f.node("since");
    StreamPosition position = null;
    String invalid = null;
    if (!since.isMissingNode() && !since.isNull()) {
      long offset = since.path("offset").asLong(0);
      if (!since.isObject()) invalid = "since must be an object";
      else if (offset < 0) invalid = "negative offset";
      else position = new StreamPosition(offset, since.path("epoch").asText(""));
    }
    return new Request.History(f.text("channel"), f.number("limit", 0), position, invalid, f.flag("reverse"), f.flag("until_attach"));
  }

  /** A request object's members, read the lenient way the protocol always has. */
  private record Fields(JsonNode params) {
    JsonNode node(String field) {
      return params.path(field);
    }

    String text(String field) {
      JsonNode n = params.get(field);
      return n == null || n.isNull() ? null : n.asText();
    }

    boolean flag(String field) {
      JsonNode n = params.get(field);
      return n != null && n.asBoolean(false);
    }

    long number(String field, long fallback) {
      JsonNode n = params.get(field);
      return n == null || !n.canConvertToLong() ? fallback : n.asLong();
    }
  }

  private static boolean isBlank(String s, int from, int to) {
    for (int i = from; i < to; i++) if (!Character.isWhitespace(s.charAt(i))) return false;
    return true;
  }
}
