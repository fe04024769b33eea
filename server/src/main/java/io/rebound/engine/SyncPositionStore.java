package io.rebound.engine;

import io.rebound.core.StreamPosition;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * Each user's last acknowledged position per channel, for offline user sync (docs/EXTENSIONS.md §1).
 * Kept in the history engine's store: {@link MemorySyncPositions} beside the memory engine,
 * {@link io.rebound.engine.hazelcast.HazelcastSyncPositions} (an IMap with a backup) beside the
 * Hazelcast engine, {@link io.rebound.engine.redis.RedisSyncPositions} beside the Redis engine, so the
 * last two keep positions across node restarts. One contract test suite
 * ({@code SyncPositionStoreContractTest}) runs against all of them.
 *
 * <p>A position only moves forward within an epoch. Epochs are compared exactly (an empty epoch is
 * just another epoch): a position from another epoch means the stream was lost and recreated, and it
 * replaces the stored one whatever its offset.
 *
 * <p>All methods are asynchronous and never block the calling event loop. Futures may complete on any
 * thread (as with {@link io.rebound.engine.HistoryEngine}); callers that need their own context hop
 * back to it.
 */
public interface SyncPositionStore {

  /** The user's last acknowledged position in channel, or a future completed with null when none is stored (or it expired). */
  Future<StreamPosition> get(String channel, String user);

  /**
   * Moves the stored position forward: same epoch → offset becomes max(stored, given); another epoch
   * (or none stored) → replaced by the given one. The entry lives for ttl after this call (ttl <= 0:
   * no expiry). Atomic per (channel, user) across every node sharing the store: concurrent advances
   * end at the highest offset of the last epoch written.
   */
  Future<Void> advance(String channel, String user, StreamPosition position, Duration ttl);

  /** Releases connections and timers; the stored positions stay in the store. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** {@code ttl} in ms as the stores keep it: 0 for none (zero, negative, or too long for a long). */
  static long ttlMillis(java.time.Duration ttl) {
    java.util.Objects.requireNonNull(ttl, "ttl");
    if (ttl.isZero() || ttl.isNegative()) return 0;
    try {
      return ttl.toMillis();
    } catch (ArithmeticException tooLong) {
      return 0;
    }
  }
}
