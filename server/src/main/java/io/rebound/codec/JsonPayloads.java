package io.rebound.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.rebound.core.Payload;
import java.io.IOException;

/**
 * Payloads that arrive as bytes (the server API's {@code b64data}, a Protobuf client's publish):
 * whether they are one JSON value decides whether JSON connections can receive them, so it is
 * found out once, where they enter, and travels with them ({@link Payload#json()}).
 */
public final class JsonPayloads {
  private JsonPayloads() {}

  /** {@code bytes} (taken over) as a payload, flagged JSON when they are exactly one well-formed JSON value in UTF-8. */
  public static Payload of(byte[] bytes) {
    return Payload.of(bytes, isOneJsonValue(bytes));
  }

  /** Whether {@code bytes} are one JSON value (any type), nothing but whitespace around it, in valid UTF-8, nested at most 64 deep. */
  public static boolean isOneJsonValue(byte[] bytes) {
    try (JsonParser p = CommandDecoder.FACTORY.createParser(bytes)) {
      JsonToken first = p.nextToken();
      if (first == null) return false;
      if (first.isStructStart()) p.skipChildren();
      else p.finishToken(); // a long string must be read to the end to be checked
      if (first == JsonToken.VALUE_STRING) p.getText();
      return p.nextToken() == null;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
