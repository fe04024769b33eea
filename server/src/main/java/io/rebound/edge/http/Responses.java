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

  /** A Protobuf body ({@code Content-Type: application/octet-stream}, as the SDKs send it); else JSON. */
  static boolean isOctetStream(HttpServerRequest request) {
    String type = request.getHeader("Content-Type");
    return type != null && type.trim().toLowerCase(java.util.Locale.ROOT).startsWith("application/octet-stream");
  }
}
