package io.rebound.config;

import java.util.Set;

/**
 * Which connection endpoints the node serves, with Centrifugo v5's top-level keys, and the size
 * limits of their requests. WebSocket and the bidirectional emulation pair ({@code http_stream},
 * {@code sse}, with {@code POST /emulation}) are on by default, so the JS SDK's fallback works out
 * of the box; the unidirectional transports are off until asked for. A disabled endpoint answers 404.
 *
 * @param websocket not {@code websocket_disable}: {@code /connection/websocket}
 * @param httpStream {@code http_stream}: {@code /connection/http_stream} (bidirectional emulation)
 * @param sse {@code sse}: {@code /connection/sse} (bidirectional emulation)
 * @param uniWebsocket {@code uni_websocket}: {@code /connection/uni_websocket}
 * @param uniSse {@code uni_sse}: {@code /connection/uni_sse}
 * @param uniHttpStream {@code uni_http_stream}: {@code /connection/uni_http_stream}
 * @param httpStreamMaxRequestBodySize {@code http_stream_max_request_body_size}: the largest body
 *     (the connect command) that opens an HTTP stream; larger → 413
 * @param sseMaxRequestBodySize {@code sse_max_request_body_size}: the same for an SSE connection opened by POST
 * @param emulationMaxRequestBodySize {@code emulation_max_request_body_size}: the largest {@code POST
 *     /emulation} body (commands of an emulated connection); larger → 413
 * @param uniWebsocketMessageSizeLimit {@code uni_websocket_message_size_limit}: the largest connect
 *     message of a unidirectional WebSocket; larger → close 1009
 * @param uniSseMaxRequestBodySize {@code uni_sse_max_request_body_size}: the largest connect request
 *     body of a unidirectional SSE connection opened by POST
 * @param uniHttpStreamMaxRequestBodySize {@code uni_http_stream_max_request_body_size}: the largest
 *     connect request body of a unidirectional HTTP stream
 */
public record TransportOptions(
    boolean websocket,
    boolean httpStream,
    boolean sse,
    boolean uniWebsocket,
    boolean uniSse,
    boolean uniHttpStream,
    int httpStreamMaxRequestBodySize,
    int sseMaxRequestBodySize,
    int emulationMaxRequestBodySize,
    int uniWebsocketMessageSizeLimit,
    int uniSseMaxRequestBodySize,
    int uniHttpStreamMaxRequestBodySize) {

  /** Centrifugo's default for every request body and connect message limit: 64 KiB. */
  public static final int DEFAULT_BODY_LIMIT = 65536;

  /** WebSocket and the emulation pair on, the unidirectional transports off; 64 KiB limits. */
  public static final TransportOptions DEFAULTS = new TransportOptions(true, true, true, false, false, false,
      DEFAULT_BODY_LIMIT, DEFAULT_BODY_LIMIT, DEFAULT_BODY_LIMIT, DEFAULT_BODY_LIMIT, DEFAULT_BODY_LIMIT, DEFAULT_BODY_LIMIT);

  /** The JSON keys of these options (all at top level). */
  static final Set<String> KEYS = Set.of("websocket_disable", "http_stream", "sse", "uni_websocket", "uni_sse", "uni_http_stream",
      "http_stream_max_request_body_size", "sse_max_request_body_size", "emulation_max_request_body_size",
      "uni_websocket_message_size_limit", "uni_sse_max_request_body_size", "uni_http_stream_max_request_body_size");

  /** Validates, naming the JSON key at fault. */
  public TransportOptions {
    positive("http_stream_max_request_body_size", httpStreamMaxRequestBodySize);
    positive("sse_max_request_body_size", sseMaxRequestBodySize);
    positive("emulation_max_request_body_size", emulationMaxRequestBodySize);
    positive("uni_websocket_message_size_limit", uniWebsocketMessageSizeLimit);
    positive("uni_sse_max_request_body_size", uniSseMaxRequestBodySize);
    positive("uni_http_stream_max_request_body_size", uniHttpStreamMaxRequestBodySize);
  }

  /** Whether {@code POST /emulation} is served: with either emulated transport (Centrifugo's rule). */
  public boolean emulation() {
    return httpStream || sse;
  }

  private static void positive(String key, int n) {
    // A zero limit would refuse every request: there is no "unlimited" form.
    if (n <= 0) throw ConfigException.at(key, "must be > 0");
  }

  /** Reads these options from {@code f}, whose allowed keys must include {@link #KEYS}. */
  static TransportOptions read(JsonFields f) {
    TransportOptions d = DEFAULTS;
    return f.build(() -> new TransportOptions(
        !f.bool("websocket_disable", !d.websocket),
        f.bool("http_stream", d.httpStream),
        f.bool("sse", d.sse),
        f.bool("uni_websocket", d.uniWebsocket),
        f.bool("uni_sse", d.uniSse),
        f.bool("uni_http_stream", d.uniHttpStream),
        bytes(f, "http_stream_max_request_body_size", d.httpStreamMaxRequestBodySize),
        bytes(f, "sse_max_request_body_size", d.sseMaxRequestBodySize),
        bytes(f, "emulation_max_request_body_size", d.emulationMaxRequestBodySize),
        bytes(f, "uni_websocket_message_size_limit", d.uniWebsocketMessageSizeLimit),
        bytes(f, "uni_sse_max_request_body_size", d.uniSseMaxRequestBodySize),
        bytes(f, "uni_http_stream_max_request_body_size", d.uniHttpStreamMaxRequestBodySize)));
  }

  private static int bytes(JsonFields f, String key, int def) {
    long n = f.size(key, def);
    if (n > Integer.MAX_VALUE) throw ConfigException.located(f.pathOf(key), "must be below 2GiB");
    return (int) n;
  }
}
