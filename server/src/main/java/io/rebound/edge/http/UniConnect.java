package io.rebound.edge.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.rebound.codec.CommandDecoder;
import io.rebound.codec.JsonLines;
import java.io.IOException;

/**
 * A unidirectional client's connect request — a JSON {@code ConnectRequest} object (token, data,
 * name, version, subs) from the request body, the {@code cf_connect} query parameter or the first
 * WebSocket message — as the connect command the session understands: {@code
 * {"id":1,"connect":<request>}}. Stateless.
 */
final class UniConnect {
  private UniConnect() {}

  /**
   * The connect command carrying {@code request}; an empty request or {@code null} is an empty
   * connect (Centrifugo's reading); null when {@code request} is not one JSON object.
   */
  static String command(String request) {
    String json = request == null ? "" : request.strip();
    if (json.isEmpty() || json.equals("null")) json = "{}";
    if (!isOneObject(json)) return null;
    // One line: the JSON protocol's frames are newline-delimited, and a pretty-printed request would split.
    return "{\"id\":1,\"connect\":" + JsonLines.oneLine(json) + "}";
  }

  private static boolean isOneObject(String json) {
    try (JsonParser p = CommandDecoder.FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return false;
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }
}
