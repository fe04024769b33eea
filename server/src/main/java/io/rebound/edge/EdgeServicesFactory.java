package io.rebound.edge;

import io.rebound.auth.JwtVerifier;
import io.rebound.config.BrokerConfig;
import io.rebound.edge.session.ConnectionLimits;
import io.rebound.edge.session.EdgeServices;
import io.rebound.metrics.BrokerMetrics;
import io.rebound.proxy.BackendProxy;
import io.rebound.proxy.ProxyClient;
import io.rebound.engine.PresenceStore;
import io.rebound.engine.SyncPositionStore;
import io.rebound.webhook.LifecycleListener;
import io.vertx.core.Vertx;

/** Builds the services shared by a node's edges. */
public final class EdgeServicesFactory {
  private EdgeServicesFactory() {}

  public static EdgeServices create(Vertx vertx, BrokerConfig config, JwtVerifier verifier, BrokerMetrics metrics, PresenceStore presence,
      SyncPositionStore syncPositions, LifecycleListener lifecycle) {
    BackendProxy proxy = config.proxy().hooks().isEmpty() ? null : new BackendProxy(new ProxyClient(vertx, config.proxy(), metrics.registry()));
    return new EdgeServices(vertx, config, verifier, metrics, presence, syncPositions,
        new ConnectionLimits(config.client().connectionLimit(), config.client().userConnectionLimit()), lifecycle, proxy);
  }
}
