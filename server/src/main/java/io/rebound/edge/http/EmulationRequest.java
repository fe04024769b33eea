package io.rebound.edge.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.rebound.codec.BadFrameException;
import io.rebound.codec.CommandDecoder;
import io.rebound.codec.protobuf.ProtobufEmulationRequest;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

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
    try {
      ProtobufEmulationRequest r = ProtobufEmulationRequest.decode(body.getBytes());
      return new EmulationRequest(r.node(), r.session(), Buffer.buffer(r.data()));
    } catch (BadFrameException e) {
      return null;
    }
  }
}
