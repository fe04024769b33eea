package io.rebound.bus;

import io.rebound.engine.Broadcaster;
import io.rebound.engine.FanoutMessage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Fan-out over the Vert.x event bus: in-process for a single node, to every member when Vert.x is
 * clustered (the clustered event bus sends one copy per node, then delivers locally to each edge).
 */
public final class EventBusBroadcaster implements Broadcaster {

  private static final DeliveryOptions OPTIONS = new DeliveryOptions().setCodecName(FanoutMessageCodec.NAME);
  private final Vertx vertx;

  public EventBusBroadcaster(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<Void> publish(FanoutMessage message) {
    vertx.eventBus().publish(Addresses.FANOUT, message, OPTIONS);
    return Future.succeededFuture();
  }

  /** Registers the codec once per Vert.x instance; safe to call again. */
  public static void registerCodec(Vertx vertx) {
    try {
      vertx.eventBus().registerCodec(new FanoutMessageCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // another verticle of this Vert.x instance registered it first
    }
  }
}
