package io.rebound.engine.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.rebound.core.StreamPosition;
import io.rebound.engine.SyncPositionStore;
import io.rebound.hazelcast.IdempotentWrites;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Sync positions in a Hazelcast IMap with a synchronous backup, beside
 * {@link io.rebound.engine.hazelcast.HazelcastHistory}: they survive the loss of a cluster member
 * (not a full cluster restart).
 *
 * <p>One entry per (channel, user) in {@value #MAP_NAME}, configured by {@code <map
 * name="rebound.sync.*">} in cluster.xml (backup-count 1). An advance is an {@link
 * AdvanceSyncProcessor} submitted to the key's partition owner, so it is atomic across all members;
 * the entry's Hazelcast TTL is the position's TTL. Only asynchronous Hazelcast calls are made;
 * results are delivered on the caller's Vert.x context.
 *
 * <p>Thread-safe. Needs {@link EngineSerializerFactory} in the member's serialization config
 * (cluster.xml has it).
 */
public final class HazelcastSyncPositions implements SyncPositionStore {

  /** The IMap holding every position; configured by {@code <map name="rebound.sync.*">}. */
  public static final String MAP_NAME = "rebound.sync.positions";

  private final IMap<String, StoredSyncPosition> positions;
  private final Vertx vertx;

  private HazelcastSyncPositions(HazelcastInstance hz, Vertx vertx) {
    this.positions = hz.getMap(MAP_NAME);
    this.vertx = vertx;
  }

  /** A store on {@code hz}, a running member; several stores on one member share the same positions. */
  public static HazelcastSyncPositions create(HazelcastInstance hz, Vertx vertx) {
    return new HazelcastSyncPositions(Objects.requireNonNull(hz, "hz"), Objects.requireNonNull(vertx, "vertx"));
  }

  @Override
  public Future<StreamPosition> get(String channel, String user) {
    return onContext(positions.getAsync(key(channel, user))).map(stored -> stored == null ? null : stored.toPosition());
  }

  @Override
  public Future<Void> advance(String channel, String user, StreamPosition position, Duration ttl) {
    Objects.requireNonNull(position, "position");
    AdvanceSyncProcessor processor = new AdvanceSyncProcessor(position.offset(), position.epoch(), SyncPositionStore.ttlMillis(ttl));
    // Idempotent (a position only moves forward): a backup that confirms late does not fail it (IdempotentWrites).
    return IdempotentWrites.run(vertx.getOrCreateContext(), () -> positions.submitToKey(key(channel, user), processor));
  }

  /**
   * The map key of one user's position in one channel: {@code <channel length>:<channel>:<user>}.
   * The length prefix makes it unambiguous whatever characters channel and user contain.
   */
  static String key(String channel, String user) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(user, "user");
    return channel.length() + ":" + channel + ":" + user;
  }


  private <T> Future<T> onContext(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
  }
}
