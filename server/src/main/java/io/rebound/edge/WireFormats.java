package io.rebound.edge;

import io.rebound.codec.WireCodec;
import io.rebound.codec.json.JsonCodec;
import io.rebound.codec.protobuf.ProtobufCodec;
import java.util.List;
import java.util.Map;

/**
 * Which wire format a client connection speaks, as Centrifugo decides it: the WebSocket
 * subprotocol {@code centrifuge-protobuf} or {@code centrifuge-json} (the first of the client's list
 * the node serves; echoed in the handshake), else the query parameter {@code format} or {@code
 * cf_protocol} ({@code protobuf} or {@code json}), else JSON. A client that names only formats the
 * node does not serve is refused: it would otherwise connect in a format it cannot read and retry
 * forever. Stateless.
 */
public final class WireFormats {

  public static final String JSON_SUBPROTOCOL = "centrifuge-json";
  public static final String PROTOBUF_SUBPROTOCOL = "centrifuge-protobuf";
  /** The subprotocols the node accepts, for the handshake to echo. */
  public static final List<String> SUBPROTOCOLS = List.of(JSON_SUBPROTOCOL, PROTOBUF_SUBPROTOCOL);

  /** The bidirectional formats by name, as the HTTP transports ({@code http_stream}, {@code sse}) look them up. */
  public static final Map<String, WireCodec> BY_NAME = Map.of("json", JsonCodec.INSTANCE, "protobuf", ProtobufCodec.INSTANCE);

  private WireFormats() {}

  /** The format chosen, or why none can be ({@code codec} null, {@code refusal} says what the client asked for). */
  public record Choice(WireCodec codec, String refusal) {
    static Choice of(WireCodec codec) {
      return new Choice(codec, null);
    }

    static Choice refused(String why) {
      return new Choice(null, why);
    }
  }

  /**
   * @param subprotocols the {@code Sec-WebSocket-Protocol} request header (comma-separated), or null
   * @param query the request's query string, or null
   */
  public static Choice choose(String subprotocols, String query) {
    if (subprotocols != null && !subprotocols.isBlank()) {
      for (String asked : subprotocols.split(",")) {
        String p = asked.trim();
        if (p.equals(PROTOBUF_SUBPROTOCOL)) return Choice.of(ProtobufCodec.INSTANCE);
        if (p.equals(JSON_SUBPROTOCOL)) return Choice.of(JsonCodec.INSTANCE);
      }
      return Choice.refused("subprotocol \"" + subprotocols.trim() + "\" (served: " + String.join(", ", SUBPROTOCOLS) + ")");
    }
    String format = queryValue(query, "format");
    if (format == null) format = queryValue(query, "cf_protocol");
    if (format == null || format.isEmpty() || format.equals("json")) return Choice.of(JsonCodec.INSTANCE);
    if (format.equals("protobuf")) return Choice.of(ProtobufCodec.INSTANCE);
    return Choice.refused("format \"" + format + "\" (served: json, protobuf)");
  }

  /** The first value of query parameter {@code name} (not URL-decoded: the values that matter are plain words), or null. */
  static String queryValue(String query, String name) {
    if (query == null || query.isEmpty()) return null;
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (key.equals(name)) return eq < 0 ? "" : pair.substring(eq + 1);
    }
    return null;
  }
}
