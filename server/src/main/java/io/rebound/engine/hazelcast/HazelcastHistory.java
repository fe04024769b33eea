package io.rebound.engine.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.rebound.core.AppendResult;
import io.rebound.engine.HistoryEngine;
import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.engine.PublicationCodec;
import io.rebound.core.StreamOptions;
import io.rebound.core.StreamPosition;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Channel streams in a Hazelcast IMap with synchronous backups: history that survives the loss of a
 * cluster member (not a full cluster restart; that is the Redis engine's job).
 *
 * <p>One entry per channel ({@link StoredStream}) in {@value #MAP_NAME}. Every operation is an entry
 * processor submitted to the channel's partition owner, which runs processors for one key one at a
 * time: appends are atomic across all nodes (no duplicate offset, no gap), reads see the latest append
 * and return publications and top from the same instant. Only asynchronous Hazelcast calls are used
 * on the calling thread; results are delivered on the caller's Vert.x context.
 *
 * <p>Partitions: on the minority side of a split (split-brain protection in cluster.xml) every operation fails with
 * "cluster partitioned: …", and an append is acknowledged only when its backup confirmed it and no member left while it
 * was in flight ({@link HazelcastFailures}, {@link AppendGuard}): a minority never acknowledges what the majority cannot
 * see. When the split heals, {@link StreamMergePolicy} reconciles the copies.
 *
 * <p>Thread-safe. A periodic sweep on a worker thread frees expired streams and publications of the
 * keys this member owns ({@link #SWEEP_INTERVAL}).
 */
public final class HazelcastHistory implements HistoryEngine {

  /** The IMap holding every channel stream; configured by {@code <map name="rebound.history.*">}. */
  public static final String MAP_NAME = "rebound.history.streams";

  /** How often each member sweeps the streams it owns. */
  public static final Duration SWEEP_INTERVAL = Duration.ofSeconds(60);

  private final IMap<String, StoredStream> streams;
  private final HazelcastFailures failures;
  private final AppendGuard guard;
  private final Vertx vertx;
  private final long sweepTimer;

  private HazelcastHistory(HazelcastInstance hz, Vertx vertx) {
    this.streams = hz.getMap(MAP_NAME);
    this.failures = new HazelcastFailures(hz, MAP_NAME);
    this.guard = new AppendGuard(hz, MAP_NAME);
    this.vertx = vertx;
    this.sweepTimer = vertx.setPeriodic(SWEEP_INTERVAL.toMillis(), id -> sweepLocal());
  }

  /**
   * An engine on {@code hz}, a running member whose serialization config contains
   * {@link EngineSerializerFactory} (cluster.xml does; otherwise {@link EngineSerializerFactory#register}
   * before the member starts). Several engines on one member share the same streams.
   */
  public static HazelcastHistory create(HazelcastInstance hz, Vertx vertx) {
    return new HazelcastHistory(Objects.requireNonNull(hz, "hz"), Objects.requireNonNull(vertx, "vertx"));
  }

  @Override
  public Future<AppendResult> append(String channel, Publication publication, StreamOptions options, String idempotencyKey) {
    if (!options.enabled()) return Future.failedFuture(new IllegalArgumentException("history is disabled for " + channel));
    // Encoded here, on the caller, so the partition thread only moves bytes.
    AppendProcessor processor = new AppendProcessor(PublicationCodec.encode(publication), options.size(),
        options.ttl().toMillis(), options.metaTtl().toMillis(), idempotencyKey);
    var members = guard.before();
    return onContext(streams.submitToKey(channel, processor)).map(AppendOutcome::toResult).recover(failures::explain)
        .compose(result -> guard.confirm(members, result));
  }

  @Override
  public Future<HistoryResult> read(String channel, HistoryQuery query, StreamOptions options) {
    if (!options.enabled()) return Future.succeededFuture(new HistoryResult(List.of(), StreamPosition.EMPTY));
    long since = query.since() == null ? ReadProcessor.NO_SINCE : query.since().offset();
    ReadProcessor processor = new ReadProcessor(since, query.limit(), query.reverse(), options.metaTtl().toMillis());
    // Decoding runs on the caller's context, not on a Hazelcast thread.
    return onContext(streams.submitToKey(channel, processor)).map(ReadOutcome::toResult).recover(failures::explain);
  }

  @Override
  public Future<Void> remove(String channel) {
    return onContext(streams.submitToKey(channel, new RemoveProcessor())).<Void>mapEmpty().recover(failures::explain);
  }

  /**
   * Frees expired streams and publications among the keys this member owns; completes with the number
   * of live streams it visited. Listing local keys is a blocking Hazelcast call, so it runs on a worker.
   * The keys are channel names, chosen by clients: copied into a HashSet, not Set.copyOf, whose linear
   * probing turns quadratic on names that share a hash code (see {@link io.rebound.core.NodeStats}).
   */
  public Future<Integer> sweepLocal() {
    return vertx.executeBlocking(streams::localKeySet, false)
        .compose(keys -> keys.isEmpty() ? Future.succeededFuture(Map.<String, Boolean>of()) : onContext(streams.submitToKeys(new HashSet<>(keys), new SweepProcessor())))
        .map(results -> (int) results.values().stream().filter(Boolean.TRUE::equals).count());
  }

  @Override
  public Future<Void> close() {
    // The member and its data belong to the caller (the cluster manager); only the timer is ours.
    vertx.cancelTimer(sweepTimer);
    return Future.succeededFuture();
  }

  private <T> Future<T> onContext(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
  }
}
