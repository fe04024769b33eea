package io.rebound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.admin.Admin;
import io.rebound.api.ApiService;
import io.rebound.api.ApiVerticle;
import io.rebound.core.LogSafe;
import io.rebound.api.HttpApi;
import io.rebound.auth.JwtVerifier;
import io.rebound.engine.Broadcaster;
import io.rebound.config.BrokerConfig;
import io.rebound.edge.EdgeRegistry;
import io.rebound.edge.EdgeServicesFactory;
import io.rebound.edge.EdgeVerticle;
import io.rebound.codec.Replies;
import io.rebound.engine.HeapBudgeted;
import io.rebound.engine.HistoryEngine;
import io.rebound.history.HistoryVerticle;
import io.rebound.metrics.BrokerMetrics;
import io.rebound.engine.PresenceStore;
import io.rebound.recovery.RecoveryVerticle;
import io.rebound.webhook.LifecycleListener;
import io.rebound.webhook.WebhookService;
import io.rebound.webhook.WebhookVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running broker node: the composition root that picks the engines for the config and deploys one
 * verticle per concern (history, recovery, publish API, and one edge per event loop). Used by {@link
 * Main} and by tests, which start several nodes in one JVM.
 */
public final class Node {

  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  private final Vertx vertx;
  private final BrokerConfig config;
  private final BrokerMetrics metrics;
  private final Engines engines;
  private final List<String> deployments = new ArrayList<>();
  private final boolean ownsVertx;
  private final EdgeRegistry registry;
  private ClusterMetrics clusterMetrics;
  private final JwtVerifier verifier;
  private io.rebound.edge.session.EdgeServices services;
  private volatile boolean draining;
  private volatile boolean wasSafe;
  private LifecycleListener lifecycle = LifecycleListener.NONE;

  /** How long a shutdown spreads the closing of connections over (they reconnect elsewhere meanwhile). */
  public static final long DRAIN_PERIOD_MS = 3_000;

  private Node(Vertx vertx, BrokerConfig config, BrokerMetrics metrics, Engines engines, boolean ownsVertx) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.engines = engines;
    this.ownsVertx = ownsVertx;
    this.registry = new EdgeRegistry(vertx);
    this.verifier = JwtVerifier.create(vertx, config.connectionTokens(), config.separateSubscriptionTokens());
  }

  /** Starts a node with its own Vert.x instance (clustered when the config's engine needs it). */
  public static Future<Node> start(BrokerConfig config) {
    // Netty's native epoll transport when the platform has it (the jar ships it for Linux x86-64), NIO otherwise:
    // a fan-out is one socket write per subscriber, and epoll writes direct buffers without NIO's selector and
    // per-write bookkeeping (loadtest/README.md, "Side by side", has the measurement).
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
    return Engines.vertxFor(config, options)
        .onSuccess(vertx -> {
          if (vertx.isClustered()) LOG.info("event=cluster_joined node={} uptime_ms={}", config.name(), uptimeMs());
        })
        .compose(vertx -> start(config, vertx, true));
  }

  /**
   * Milliseconds since this JVM started: the startup log lines carry it so that a slow restart shows which step
   * took the time (JVM and config, cluster join, deployments, the first safe partition table).
   */
  private static long uptimeMs() {
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
  }

  /** Starts a node on an existing Vert.x instance; with {@code ownsVertx} it is closed with the node. */
  public static Future<Node> start(BrokerConfig config, Vertx vertx, boolean ownsVertx) {
    BrokerMetrics metrics = new BrokerMetrics();
    return Engines.create(config, vertx).compose(engines -> {
      metrics.fanoutReceived(engines.broadcaster().received()::localTotal, engines.broadcaster().received()::clusterTotal);
      if (engines.history() instanceof HeapBudgeted heap) metrics.historyMemory(heap::heldBytes, heap::memoryLimit, heap::evictedStreams);
      Node node = new Node(vertx, config, metrics, engines, ownsVertx);
      return node.deploy().map(node).recover(e -> node.close().transform(ignored -> Future.failedFuture(e)));
    });
  }

  private Future<Void> deploy() {
    HistoryEngine history = engines.history();
    Broadcaster broadcaster = engines.broadcaster();
    PresenceStore presence = engines.presence();
    verifier.prefetch(); // not awaited: readiness does not depend on the identity provider
    // Deployed before the edges, so undeployed after them: the disconnects of their last sessions go out.
    WebhookService webhooks = config.webhooks().enabled()
        ? new WebhookService(config.name(), config.webhooks(), metrics, Engines.webhookLedger(config, vertx)) : null;
    lifecycle = webhooks == null ? LifecycleListener.NONE : webhooks;
    services = EdgeServicesFactory.create(vertx, config, verifier, metrics, presence,
        engines.syncPositions(), lifecycle);
    ApiService api = new ApiService(vertx, config, broadcaster, history, presence, registry::collect, metrics);
    HttpApi http = new HttpApi(config, api, metrics::scrape, this::health, this::ready);
    Admin admin = config.admin().enabled() ? Admin.create(vertx, config, metrics, registry::collect, this::health, this::ready) : null;
    Function<Vertx, Handler<HttpServerRequest>> routes = admin == null ? http::router : admin.inFrontOf(http::router);
    int edges = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    return deploy(() -> new HistoryVerticle(history), 1)
        .compose(v -> deploy(() -> new RecoveryVerticle(metrics), 1))
        .compose(v -> deploy(() -> new ApiVerticle(api, config), 1))
        .compose(v -> webhooks == null ? Future.<Void>succeededFuture() : deploy(() -> new WebhookVerticle(webhooks), 1))
        .compose(v -> admin == null ? Future.succeededFuture() : deploy(admin::verticle, 1))
        .compose(v -> deploy(() -> new EdgeVerticle(services, registry, broadcaster, config.port(), routes), edges))
        .onSuccess(v -> clusterMetrics = ClusterMetrics.start(vertx, engines, metrics))
        .onSuccess(v -> LOG.info("event=node_started node={} port={} engine={} history={} edges={} transport={} uptime_ms={}",
            config.name(), config.port(), config.engine().jsonName(), config.historyEngine().jsonName(), edges,
            vertx.isNativeTransportEnabled() ? "native" : "nio", uptimeMs()));
  }

  private Future<Void> deploy(Supplier<io.vertx.core.Deployable> verticle, int instances) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setInstances(instances)).onSuccess(deployments::add).mapEmpty();
  }

  /** {@code GET /health}: status, node, connection count, and (clustered) membership and safety. */
  private Future<JsonNode> health() {
    ObjectNode out = Replies.object();
    out.put("status", "ok");
    out.put("node", config.name());
    out.put("engine", config.engine().jsonName());
    out.put("connections", metrics.connections());
    return engines.describeCluster(vertx, out).map(n -> n);
  }

  /**
   * {@code GET /health/ready}: 503 while draining; for a cluster member also until it has been safe
   * (no partition without its backup) once since start. Only that first time gates readiness: a
   * readiness that followed every migration would pull all pods out of the Service at once.
   */
  private Future<Boolean> ready() {
    if (draining) return Future.succeededFuture(false);
    if (wasSafe || engines.cluster() == null) return Future.succeededFuture(true);
    return engines.cluster().status(vertx).map(s -> {
      if (s.safe() && !wasSafe) LOG.info("event=node_ready node={} members={} uptime_ms={}", config.name(), s.members(), uptimeMs());
      return wasSafe = s.safe();
    });
  }

  public Vertx vertx() {
    return vertx;
  }

  public BrokerConfig config() {
    return config;
  }

  public BrokerMetrics metrics() {
    return metrics;
  }

  /** What this node's sessions report their lifecycle to (the webhooks, or nothing when they are off). */
  public LifecycleListener lifecycle() {
    return lifecycle;
  }

  public int port() {
    return config.port();
  }

  /**
   * Graceful stop (SIGTERM): readiness turns 503 and new sockets are refused, open connections are
   * closed with 3001 over {@code drainMs} (clients reconnect and recover on other nodes), then
   * everything is closed and the node leaves the cluster.
   */
  public Future<Void> shutdown(long drainMs) {
    draining = true;
    LOG.info("event=node_draining node={} connections={} drain_ms={}", config.name(), metrics.connections(), drainMs);
    return registry.drain(drainMs).transform(ar -> close());
  }

  /** The backend hooks' HTTP client, once no edge calls it any more. */
  private Future<Void> closeProxy() {
    if (services != null && services.proxy() != null) services.proxy().close();
    return Future.succeededFuture();
  }

  /** Undeploys every verticle (edges first, telling clients to reconnect) and releases the engines. */
  public Future<Void> close() {
    long started = System.nanoTime();
    draining = true;
    if (clusterMetrics != null) clusterMetrics.stop();
    List<String> reversed = new ArrayList<>(deployments);
    java.util.Collections.reverse(reversed);
    Future<Void> chain = Future.succeededFuture();
    for (String id : reversed) chain = chain.transform(ar -> vertx.undeploy(id).recover(e -> {
      LOG.warn("event=undeploy_failed node={} deployment={} error=\"{}\"", config.name(), id, LogSafe.value(e.toString()));
      return Future.succeededFuture();
    }));
    return chain.transform(ar -> closeProxy()).transform(ar -> verifier.close()).transform(ar -> engines.close())
        .transform(ar -> ownsVertx ? vertx.close() : Future.succeededFuture())
        .onComplete(ar -> LOG.info("event=node_closed node={} took_ms={} uptime_ms={}", config.name(),
            (System.nanoTime() - started) / 1_000_000, uptimeMs()));
  }
}
