package io.rebound.edge.http;

import io.vertx.core.http.HttpServerRequest;

/** The small answers the connection endpoints give without a stream. */
final class Responses {
  private Responses() {}

  /** An empty response with {@code status}. */
  static void status(HttpServerRequest request, int status) {
    request.response().setStatusCode(status).end();
  }

  /** A browser's CORS pre-flight of a POST endpoint (Centrifugo's answer: POST and OPTIONS, cached 5 minutes). */
  static void preflight(HttpServerRequest request) {
    request.response().setStatusCode(204)
        .putHeader("Access-Control-Max-Age", "300")
        .putHeader("Access-Control-Allow-Methods", "POST, OPTIONS")
        .end();
  }

  /**
   * The CORS headers that let a page of {@code origin} (admitted by {@code allowed_origins}) read the
   * answer and send its cookies: the origin echoed, never {@code *}, which browsers refuse with
   * credentials; the headers a pre-flight asks for; {@code Vary: Origin} for caches in between.
   */
  static void allowOrigin(HttpServerRequest request, String origin) {
    request.response()
        .putHeader("Access-Control-Allow-Origin", origin)
        .putHeader("Access-Control-Allow-Credentials", "true")
        .putHeader("Vary", "Origin");
    String asked = request.getHeader("Access-Control-Request-Headers");
    if (asked != null && !asked.isEmpty() && !asked.equals("null") && printable(asked)) {
      request.response().putHeader("Access-Control-Allow-Headers", asked);
    }
  }

  /** Whether {@code value} is printable ASCII only, so echoing it in a response header can never fail or split it. */
  static boolean printable(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) return false;
    }
    return true;
  }

  /** A Protobuf body ({@code Content-Type: application/octet-stream}, as the SDKs send it); else JSON. */
  static boolean isOctetStream(HttpServerRequest request) {
    String type = request.getHeader("Content-Type");
    return type != null && type.trim().toLowerCase(java.util.Locale.ROOT).startsWith("application/octet-stream");
  }
}
