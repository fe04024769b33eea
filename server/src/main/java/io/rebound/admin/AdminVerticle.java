package io.rebound.admin;

import io.rebound.bus.ApiReply;
import io.rebound.bus.ApiRequest;
import io.rebound.bus.LocalCodec;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The admin page's own event loop: samples this node's counters every second and shares the node's
 * snapshot with the cluster ({@link ClusterBoard}), and, when {@code admin_port} is set, serves the
 * page and its API on that port (else the node's edges serve them on the node's port).
 */
final class AdminVerticle extends VerticleBase {

  private final ClusterBoard board;
  private final AdminRoutes routes;
  /** 0: no server of its own. */
  private final int ownPort;
  private HttpServer server;

  AdminVerticle(ClusterBoard board, AdminRoutes routes, int ownPort) {
    this.board = board;
    this.routes = routes;
    this.ownPort = ownPort;
  }

  @Override
  public Future<?> start() {
    LocalCodec.register(vertx, ApiRequest.class);
    LocalCodec.register(vertx, ApiReply.class);
    scheduleTick();
    if (ownPort == 0) return Future.succeededFuture();
    server = vertx.createHttpServer(new HttpServerOptions().setPort(ownPort)).requestHandler(routes.router(vertx));
    return server.listen();
  }

  private void scheduleTick() {
    vertx.setTimer(ClusterBoard.untilNextTick(System.currentTimeMillis()), id -> {
      board.tick();
      scheduleTick();
    });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
