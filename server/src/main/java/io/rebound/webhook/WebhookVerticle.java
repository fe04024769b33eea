package io.rebound.webhook;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Gives a node's {@link WebhookService} its own context: the sender's requests and timers, the
 * ledger's writes and the dead-node watch all run there, never on an edge's event loop. Deployed
 * before the edges, so it is undeployed after them and delivers the disconnects of their last
 * sessions before the node goes.
 */
public final class WebhookVerticle extends VerticleBase {

  private final WebhookService service;

  public WebhookVerticle(WebhookService service) {
    this.service = service;
  }

  @Override
  public Future<?> start() {
    return service.start(vertx, context);
  }

  @Override
  public Future<?> stop() {
    return service.stop();
  }
}
