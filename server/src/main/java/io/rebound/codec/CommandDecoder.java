package io.rebound.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.core.Payload;
import java.io.IOException;

/**
 * Decodes JSON request bodies whose {@code data} member must be kept as the exact text the sender
 * wrote, so a payload reaches subscribers byte for byte (Centrifugo's raw JSON fields): the server
 * API's bodies ({@link #decodeParams}) and, through {@link #readObject}, the JSON client protocol's
 * requests ({@code codec.json}).
 */
public final class CommandDecoder {

  /** Parser settings for untrusted JSON: nesting is bounded. */
  public static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
      .build();
  private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

  private CommandDecoder() {}

  /** A JSON object decoded with its {@code data} member kept as exact text (null when absent). */
  public record Params(ObjectNode params, String rawData) {
    /** The {@code data} member as a JSON payload, on one line (JSON frames are newline-delimited); null when absent. */
    public Payload data() {
      return rawData == null ? null : Payload.json(JsonLines.oneLine(rawData));
    }
  }

  /** Decodes a server API body: one JSON object whose {@code data} is kept byte for byte. */
  public static Params decodeParams(String json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new MalformedCommandException("body is not a JSON object");
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      String raw = readObject(p, json, body);
      if (p.nextToken() != null) throw new MalformedCommandException("trailing data after JSON object");
      return new Params(body, raw);
    } catch (IOException e) {
      throw new MalformedCommandException(describe(e));
    }
  }

  /**
   * Reads the members of the object {@code p} is in (after its START_OBJECT) into {@code body},
   * except {@code data}, whose exact text in {@code text} (the parsed input) is returned; null when absent.
   */
  public static String readObject(JsonParser p, String text, ObjectNode body) throws IOException {
    String rawData = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals("data") && value != JsonToken.VALUE_NULL) {
        int start = (int) p.currentTokenLocation().getCharOffset();
        if (value.isStructStart()) p.skipChildren();
        else p.finishToken();
        int end = (int) p.currentLocation().getCharOffset();
        rawData = text.substring(start, end);
      } else {
        body.set(field, MAPPER.readTree(p));
      }
    }
    return rawData;
  }

  /** "malformed JSON: …" with the parser's own message, without its location dump. */
  public static String describe(IOException e) {
    return "malformed JSON: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage());
  }

  /** The body is not well-formed. */
  public static final class MalformedCommandException extends RuntimeException {
    public MalformedCommandException(String message) {
      super(message, null, false, false);
    }
  }
}
