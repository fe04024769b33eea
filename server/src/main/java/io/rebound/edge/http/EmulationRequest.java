package io.rebound.edge.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.rebound.codec.CommandDecoder;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The body of a {@code POST /emulation} (Centrifugo's {@code EmulationRequest}): the {@code node}
 * and {@code session} a connect reply named, and {@code data}, the commands of one client frame.
 * In JSON ({@code {"node":…,"session":…,"data":"<newline-joined commands>"}}) data is a string and
 * becomes a text frame; in Protobuf (fields 1 node, 2 session, 3 data; sent as {@code
 * application/octet-stream}) it is bytes and becomes a binary frame.
 *
 * @param data the frame: a {@code String} (JSON) or a {@code Buffer} (Protobuf)
 */
record EmulationRequest(String node, String session, Object data) {

  /** The request in {@code body}, or null when it is malformed or misses its session or data. */
  static EmulationRequest parse(Buffer body, boolean protobuf) {
    EmulationRequest r = protobuf ? protobuf(body) : json(body);
    return r == null || r.session == null || r.session.isEmpty() || r.data == null ? null : r;
  }

  /** The frame's size in bytes (for the message size limit). */
  int dataBytes() {
    return data instanceof Buffer b ? b.length() : io.rebound.core.Utf8.length((String) data);
  }

  private static EmulationRequest json(Buffer body) {
    String node = null, session = null, data = null;
    try (JsonParser p = CommandDecoder.FACTORY.createParser(body.getBytes())) {
      if (p.nextToken() != JsonToken.START_OBJECT) return null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "node" -> node = value == JsonToken.VALUE_STRING ? p.getText() : null;
          case "session" -> session = value == JsonToken.VALUE_STRING ? p.getText() : null;
          case "data" -> {
            if (value != JsonToken.VALUE_STRING) return null; // JSON commands travel as one string
            data = p.getText();
          }
          default -> p.skipChildren();
        }
      }
      return p.nextToken() == null ? new EmulationRequest(node, session, data) : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static EmulationRequest protobuf(Buffer body) {
    String node = null, session = null;
    Buffer data = null;
    int[] at = {0};
    try {
      while (at[0] < body.length()) {
        long tag = varint(body, at);
        int field = (int) (tag >>> 3);
        int wireType = (int) (tag & 7);
        if (wireType == 2) {
          int length = (int) varint(body, at);
          if (length < 0 || at[0] + length > body.length()) return null;
          Buffer bytes = body.slice(at[0], at[0] + length);
          at[0] += length;
          if (field == 1) node = bytes.toString(StandardCharsets.UTF_8);
          else if (field == 2) session = bytes.toString(StandardCharsets.UTF_8);
          else if (field == 3) data = bytes.copy();
        } else if (wireType == 0) {
          varint(body, at);
        } else if (wireType == 1 || wireType == 5) {
          at[0] += wireType == 1 ? 8 : 4;
        } else {
          return null;
        }
      }
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      return null;
    }
    if (at[0] != body.length()) return null;
    return new EmulationRequest(node, session, data == null ? Buffer.buffer() : data);
  }

  private static long varint(Buffer in, int[] at) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = in.getByte(at[0]++);
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) return value;
    }
    throw new IllegalArgumentException("varint too long");
  }
}
