package io.rebound.edge.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;

/**
 * Reads a request body of at most a given size. A larger one (by its {@code Content-Length}, or as
 * it arrives) is answered 413 and its connection closed, so an endpoint never holds more than its
 * limit of one request in memory. Runs on the request's loop.
 */
final class BoundedBody {
  private BoundedBody() {}

  /** Hands {@code request}'s whole body to {@code then}, unless it is over {@code limit} bytes (then 413, and {@code then} never runs). */
  static void read(HttpServerRequest request, int limit, Consumer<Buffer> then) {
    String declared = request.getHeader("Content-Length");
    if (declared != null && tooLong(declared, limit)) {
      refuse(request);
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] refused = {false};
    request.handler(chunk -> {
      if (refused[0]) return;
      if (body.length() + chunk.length() > limit) {
        refused[0] = true;
        refuse(request);
        return;
      }
      body.appendBuffer(chunk);
    });
    request.endHandler(v -> {
      if (!refused[0]) then.accept(body);
    });
  }

  private static boolean tooLong(String declared, int limit) {
    try {
      return Long.parseLong(declared.trim()) > limit;
    } catch (NumberFormatException e) {
      return false; // Vert.x rejects a malformed length itself
    }
  }

  private static void refuse(HttpServerRequest request) {
    // The rest of the body is not read: the connection goes with the response.
    request.response().setStatusCode(413).putHeader("Connection", "close").end();
  }
}
