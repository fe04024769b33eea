package io.rebound.loadtest.reconnect;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.LongAdder;

/**
 * The application backend of {@code --connect-proxy}: the nodes' {@code proxy_connect_endpoint}. It
 * answers every connect hook call as a Centrifugo backend would, {@code {"result": {"user": <the
 * connect data's user>}}}, and counts the calls (the backend requests a reload costs).
 */
final class ConnectHookBackend {

  private final Vertx vertx;
  private final LongAdder requests = new LongAdder();
  private HttpServer server;

  private ConnectHookBackend(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Listens on a free port of 127.0.0.1, on its own Vert.x instance (the backend is not the broker's business). */
  static Future<ConnectHookBackend> start() {
    ConnectHookBackend b = new ConnectHookBackend(Vertx.vertx());
    return b.vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      b.requests.increment();
      String user = body.toJsonObject().getJsonObject("data", new JsonObject()).getString("user", "");
      req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("result", new JsonObject().put("user", user)).encode());
    })).listen(0, "127.0.0.1").map(s -> {
      b.server = s;
      return b;
    });
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.actualPort() + "/connect";
  }

  long requests() {
    return requests.sum();
  }

  Future<Void> close() {
    return vertx.close();
  }
}
