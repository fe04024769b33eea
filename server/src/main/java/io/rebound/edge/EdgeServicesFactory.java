package io.rebound.edge;

import io.rebound.auth.JwtVerifier;
import io.rebound.config.BrokerConfig;
import io.rebound.edge.session.ConnectionLimits;
import io.rebound.edge.session.EdgeServices;
import io.rebound.metrics.BrokerMetrics;
import io.rebound.engine.PresenceStore;
import io.rebound.engine.SyncPositionStore;
import io.vertx.core.Vertx;

/** Builds the services shared by a node's edges. */
public final class EdgeServicesFactory {
  private EdgeServicesFactory() {}

  public static EdgeServices create(Vertx vertx, BrokerConfig config, JwtVerifier verifier, BrokerMetrics metrics, PresenceStore presence,
      SyncPositionStore syncPositions) {
    return new EdgeServices(vertx, config, verifier, metrics, presence, syncPositions,
        new ConnectionLimits(config.client().connectionLimit(), config.client().userConnectionLimit(),
            config.http().maxPendingConnections()));
  }
}
