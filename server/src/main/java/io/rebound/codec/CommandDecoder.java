package io.rebound.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits a client frame into commands (newline-delimited JSON, blank lines skipped) and decodes each.
 *
 * <p>The {@code data} member of a request is captured as the exact text the client sent, so a payload
 * reaches subscribers byte for byte, the way Centrifugo's raw JSON fields do. Anything that is not a
 * JSON object with at most one known request field fails with {@link MalformedCommandException}; the
 * caller closes the connection with {@link Disconnect#BAD_REQUEST}.
 */
public final class CommandDecoder {

  public static final Set<String> METHODS = Set.of("connect", "subscribe", "unsubscribe", "publish", "presence",
      "presence_stats", "history", "ping", "send", "rpc", "refresh", "sub_refresh");

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
      .build();
  private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

  private CommandDecoder() {}

  public static List<Command> decodeFrame(String frame) {
    List<Command> out = new ArrayList<>(1);
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

  public static Command decode(String line) {
    try (JsonParser p = FACTORY.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new MalformedCommandException("command is not a JSON object");
      long id = 0;
      String method = null;
      JsonNode params = NullNode.getInstance();
      String rawData = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("id")) {
          if (value != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0) throw new MalformedCommandException("bad id");
          id = p.getLongValue();
        } else if (METHODS.contains(field)) {
          if (method != null) throw new MalformedCommandException("more than one request in a command");
          method = field;
          if (value == JsonToken.START_OBJECT) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            rawData = readBody(p, line, body);
            params = body;
          } else if (value != JsonToken.VALUE_NULL) {
            throw new MalformedCommandException(field + " must be an object");
          }
        } else {
          p.skipChildren(); // unknown envelope fields are ignored, as newer SDKs may add some
        }
      }
      if (p.nextToken() != null) throw new MalformedCommandException("trailing data after command");
      return new Command(id, method, params, rawData);
    } catch (IOException e) {
      throw new MalformedCommandException("malformed JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
    }
  }

  /** A JSON object decoded with its {@code data} member kept as exact text (null when absent). */
  public record Params(ObjectNode params, String rawData) {}

  /** Decodes a server API body: one JSON object whose {@code data} is kept byte for byte. */
  public static Params decodeParams(String json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new MalformedCommandException("body is not a JSON object");
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      String raw = readBody(p, json, body);
      if (p.nextToken() != null) throw new MalformedCommandException("trailing data after JSON object");
      return new Params(body, raw);
    } catch (IOException e) {
      throw new MalformedCommandException("malformed JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
    }
  }

  /** Reads a request object into {@code body}; returns the raw text of its {@code data} member. */
  private static String readBody(JsonParser p, String line, ObjectNode body) throws IOException {
    String rawData = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals("data") && value != JsonToken.VALUE_NULL) {
        int start = (int) p.currentTokenLocation().getCharOffset();
        if (value.isStructStart()) p.skipChildren();
        else p.finishToken();
        int end = (int) p.currentLocation().getCharOffset();
        rawData = line.substring(start, end);
      } else {
        body.set(field, MAPPER.readTree(p));
      }
    }
    return rawData;
  }

  private static boolean isBlank(String s, int from, int to) {
    for (int i = from; i < to; i++) if (!Character.isWhitespace(s.charAt(i))) return false;
    return true;
  }

  /** The frame is not a well-formed command. */
  public static final class MalformedCommandException extends RuntimeException {
    public MalformedCommandException(String message) {
      super(message, null, false, false);
    }
  }
}
