package io.rebound.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.config.AdminOptions;
import io.rebound.config.BrokerConfig;
import io.rebound.config.HttpOptions;
import io.rebound.core.NodeStats;
import io.rebound.metrics.BrokerMetrics;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin web page of one node ({@code admin: true}): a page an operator logs in to with {@code
 * admin_password}, showing every node of the cluster live, a per-second chart of the last minutes
 * (connections, recoveries, resumes, disconnect codes), channels with their streams, history and
 * presence, and the publish and disconnect actions. Everything it does to channels and connections
 * goes through the server API's node-local door. Built by the composition root ({@code Node}),
 * which deploys {@link #verticle()} and puts {@link #inFrontOf} before its own HTTP routes.
 */
public final class Admin {

  private static final Logger LOG = LoggerFactory.getLogger(Admin.class);

  private final AdminOptions options;
  private final int nodePort;
  /** The node's HTTP limits, which the admin page's own port keeps too. */
  private final HttpOptions http;
  private final ClusterBoard board;
  private final AdminRoutes routes;

  private Admin(AdminOptions options, int nodePort, HttpOptions http, ClusterBoard board, AdminRoutes routes) {
    this.options = options;
    this.nodePort = nodePort;
    this.http = http;
    this.board = board;
    this.routes = routes;
  }

  /**
   * The admin page of a node with {@code config} (whose admin options must be enabled), reading its
   * live facts from {@code metrics}, {@code stats} (connections, users, channels by edge), {@code
   * health} (the {@code /health} answer, for cluster membership and safety) and {@code ready}.
   */
  public static Admin create(Vertx vertx, BrokerConfig config, BrokerMetrics metrics, Supplier<Future<NodeStats>> stats,
      Supplier<Future<JsonNode>> health, Supplier<Future<Boolean>> ready) {
    AdminOptions options = config.admin();
    if (!options.enabled()) throw new IllegalArgumentException("the admin page is not enabled in this config");
    ClusterBoard board = new ClusterBoard(vertx, config, metrics, stats, health, ready);
    AdminTokens tokens = options.insecure() ? null : new AdminTokens(options.secret(), options.tokenTtl(), () -> System.currentTimeMillis() / 1000);
    AdminLogin login = tokens == null ? null : new AdminLogin(options.password(), LoginLimiter.withDefaults(), tokens);
    AdminRoutes routes = new AdminRoutes(new AdminAssets(), new AdminApi(vertx, board), login, tokens);
    return new Admin(options, config.port(), config.http(), board, routes);
  }

  /** The verticle to deploy once per node: sampling, sharing, and the own port if configured. */
  public Deployable verticle() {
    int port = options.ownPort(nodePort) ? options.port() : 0;
    if (options.insecure()) {
      LOG.warn("event=admin_insecure: the admin page at port {} needs no password (admin_insecure: for development only)",
          port == 0 ? nodePort : port);
    } else {
      LOG.info("event=admin_enabled port={} token_ttl_s={}", port == 0 ? nodePort : port, options.tokenTtl().toSeconds());
    }
    return new AdminVerticle(board, routes, port, http);
  }

  /**
   * The node's HTTP routes with the admin page's in front ({@code /} and {@code /admin/...}), or the
   * node's routes unchanged when the page has a port of its own.
   */
  public Function<Vertx, Handler<HttpServerRequest>> inFrontOf(Function<Vertx, Handler<HttpServerRequest>> nodeRoutes) {
    if (options.ownPort(nodePort)) return nodeRoutes;
    return vertx -> {
      Router admin = routes.router(vertx);
      Handler<HttpServerRequest> rest = nodeRoutes.apply(vertx);
      return request -> (AdminRoutes.isAdminPath(request.path()) ? admin : rest).handle(request);
    };
  }
}
