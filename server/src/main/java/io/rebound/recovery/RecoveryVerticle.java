package io.rebound.recovery;

import io.rebound.bus.Addresses;
import io.rebound.bus.LocalCodec;
import io.rebound.bus.HistoryRequests;
import io.rebound.core.HistoryResult;
import io.rebound.metrics.BrokerMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyException;

/** Serves node-local recovery requests ({@link Addresses#RECOVERY}) through a {@link RecoveryService}. */
public final class RecoveryVerticle extends VerticleBase {

  private final BrokerMetrics metrics;
  private RecoveryService service;

  public RecoveryVerticle(BrokerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    LocalCodec.register(vertx, RecoveryRequest.class);
    LocalCodec.register(vertx, RecoveryResult.class);
    LocalCodec.register(vertx, HistoryRequests.Read.class);
    LocalCodec.register(vertx, HistoryResult.class);
    // Requests are sent from this verticle's context, so replies come back on it: the service stays single-threaded.
    service = new RecoveryService(read -> vertx.eventBus()
        .<HistoryResult>request(Addresses.HISTORY_READ, new HistoryRequests.Read(read.channel(), read.query(), read.example().options()))
        .map(msg -> msg.body()), metrics);
    vertx.eventBus().<RecoveryRequest>localConsumer(Addresses.RECOVERY, msg -> service.recover(msg.body()).onComplete(ar -> {
      if (ar.succeeded()) msg.reply(ar.result());
      else msg.fail(ar.cause() instanceof ReplyException re ? re.failureCode() : 100, String.valueOf(ar.cause().getMessage()));
    }));
    return Future.succeededFuture();
  }
}
