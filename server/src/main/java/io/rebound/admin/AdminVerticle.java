package io.rebound.admin;

import io.rebound.bus.ApiReply;
import io.rebound.bus.ApiRequest;
import io.rebound.bus.LocalCodec;
import io.rebound.config.HttpOptions;
import io.rebound.http.HttpDeadlines;
import io.rebound.http.PendingCap;
import io.rebound.http.PendingSockets;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * The admin page's own event loop: samples this node's counters every second and shares the node's
 * snapshot with the cluster ({@link ClusterBoard}), and, when {@code admin_port} is set, serves the
 * page and its API on that port (else the node's edges serve them on the node's port). That port
 * has the node port's protections against slow and idle clients ({@link HttpDeadlines}: the
 * {@code http_header_timeout}, {@code http_body_timeout} and {@code http_keep_alive_timeout}
 * deadlines, {@code http_max_pending_connections} counted for this port alone, {@code
 * http_idle_timeout}): before, a client that opened sockets and sent nothing kept them forever.
 */
final class AdminVerticle extends VerticleBase {

  private final ClusterBoard board;
  private final AdminRoutes routes;
  /** 0: no server of its own. */
  private final int ownPort;
  private final HttpOptions http;
  private HttpServer server;

  AdminVerticle(ClusterBoard board, AdminRoutes routes, int ownPort, HttpOptions http) {
    this.board = board;
    this.routes = routes;
    this.ownPort = ownPort;
    this.http = http;
  }

  @Override
  public Future<?> start() {
    LocalCodec.register(vertx, ApiRequest.class);
    LocalCodec.register(vertx, ApiReply.class);
    scheduleTick();
    if (ownPort == 0) return Future.succeededFuture();
    // One verticle instance: every connection of this server runs on its loop, so one PendingSockets serves them all.
    PendingSockets pending = new PendingSockets(new PendingCap(http.maxPendingConnections()));
    HttpServerOptions options = new HttpServerOptions().setPort(ownPort)
        .setIdleTimeout((int) http.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setHttp2ClearTextEnabled(false); // as on the node's port: the header deadline needs the connection set up at accept
    server = vertx.createHttpServer(options)
        .connectionHandler(conn -> HttpDeadlines.install(conn, http, pending))
        .requestHandler(routes.router(vertx));
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
