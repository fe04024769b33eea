package io.rebound.history;

import io.rebound.bus.HistoryRequests;
import io.rebound.core.AppendResult;
import io.rebound.core.HistoryResult;
import io.rebound.engine.HistoryEngine;
import io.rebound.engine.Sweepable;

import io.rebound.bus.Addresses;
import io.rebound.bus.LocalCodec;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the node's {@link HistoryEngine} (its periodic sweep and its closing) and serves node-local
 * append/read/remove requests on the event bus, for the parts of the node that reach the engine
 * that way (recovery, the edges). The engine does the atomic work, is thread-safe and never
 * blocks; the server API calls it directly (see {@code api.HistoryCalls}), which saves a publish
 * two thread hand-offs. Swapping Memory for Hazelcast or Redis changes nothing elsewhere.
 */
public final class HistoryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HistoryVerticle.class);
  private static final long SWEEP_INTERVAL_MS = 5_000;

  private final HistoryEngine engine;

  public HistoryVerticle(HistoryEngine engine) {
    this.engine = engine;
  }

  @Override
  public Future<?> start() {
    LocalCodec.register(vertx, HistoryRequests.Append.class);
    LocalCodec.register(vertx, HistoryRequests.Read.class);
    LocalCodec.register(vertx, HistoryRequests.Remove.class);
    LocalCodec.register(vertx, AppendResult.class);
    LocalCodec.register(vertx, HistoryResult.class);
    var eb = vertx.eventBus();
    eb.<HistoryRequests.Append>localConsumer(Addresses.HISTORY_APPEND, msg -> {
      HistoryRequests.Append a = msg.body();
      reply(msg, engine.append(a.channel(), a.publication(), a.options(), a.idempotencyKey()));
    });
    eb.<HistoryRequests.Read>localConsumer(Addresses.HISTORY_READ, msg -> {
      HistoryRequests.Read r = msg.body();
      reply(msg, engine.read(r.channel(), r.query(), r.options()));
    });
    eb.<HistoryRequests.Remove>localConsumer(Addresses.HISTORY_REMOVE,
        msg -> reply(msg, engine.remove(msg.body().channel()).map(v -> Boolean.TRUE)));
    if (engine instanceof Sweepable sweepable) vertx.setPeriodic(SWEEP_INTERVAL_MS, id -> sweepable.sweep());
    return Future.succeededFuture();
  }

  private static <T> void reply(Message<?> msg, Future<T> result) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        LOG.warn("event=history_engine_failure error=\"{}\"", ar.cause().toString());
        msg.fail(100, ar.cause().getMessage() == null ? ar.cause().toString() : ar.cause().getMessage());
      }
    });
  }

  @Override
  public Future<?> stop() {
    return engine.close();
  }
}
