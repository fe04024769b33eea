package io.rebound.engine.redis;

import io.rebound.core.StreamPosition;
import io.rebound.engine.SyncPositionStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.Objects;

/**
 * Sync positions in Redis, beside {@link io.rebound.engine.redis.RedisHistory}: they survive broker
 * restarts and are shared by every node pointing at the same Redis.
 *
 * <p>One hash per (channel, user), {@code <prefix>:sync:{channel}:<user>} with fields {@code e}
 * (epoch) and {@code o} (offset). The channel part is the same hash tag as the channel's history keys
 * ({@link RedisKeys#tagged}), so a position lives in its channel's slot; in the user part '%' and ':'
 * are percent-encoded, so the last ':' always ends the channel part and no two (channel, user) pairs
 * share a key. An advance is one Lua script ({@code lua/sync_advance.lua}): atomic, one round trip.
 *
 * <p>The store has one pipelined {@link RedisLink} of its own from the node's {@link RedisConnections},
 * so it can be closed independently and never queues behind history reads. Failures are the history's:
 * {@link RedisUnavailableException} at once while Redis is down or after the command timeout, and the
 * link heals itself.
 *
 * <p>Thread-safe; never blocks.
 */
public final class RedisSyncPositions implements SyncPositionStore {

  private static final LuaScript ADVANCE = LuaScript.fromResource("sync_advance");

  private final RedisConnections redis;
  private final RedisLink link;

  private RedisSyncPositions(RedisConnections redis, RedisLink link) {
    this.redis = redis;
    this.link = link;
  }

  /**
   * Opens the connection and loads the script. Fails with {@link RedisUnavailableException} when Redis
   * cannot be reached at start, as {@link io.rebound.engine.redis.RedisHistory#connect} does.
   */
  public static Future<RedisSyncPositions> connect(RedisConnections redis) {
    RedisLink link = redis.link("sync");
    return link.start()
        .compose(ADVANCE::load)
        .<RedisSyncPositions>map(v -> new RedisSyncPositions(redis, link))
        .recover(e -> {
          link.close();
          return Future.failedFuture(redis.unavailable(e));
        });
  }

  @Override
  public Future<StreamPosition> get(String channel, String user) {
    return link.send(Request.cmd(Command.HMGET).arg(key(channel, user)).arg("e").arg("o")).map(r -> {
      Response epoch = r.get(0), offset = r.get(1);
      if (epoch == null || offset == null) return null;
      return new StreamPosition(offset.toLong(), epoch.toString());
    });
  }

  @Override
  public Future<Void> advance(String channel, String user, StreamPosition position, Duration ttl) {
    Objects.requireNonNull(position, "position");
    long ttlMs = SyncPositionStore.ttlMillis(ttl);
    return ADVANCE.call(link, new String[] {key(channel, user)}, req -> req
            .arg(Long.toString(position.offset()))
            .arg(position.epoch())
            .arg(ttlMs))
        .mapEmpty();
  }

  /** Closes this store's link; the shared {@link RedisConnections} stay open. */
  @Override
  public Future<Void> close() {
    return link.close();
  }

  /** The address this store talks to, without credentials. */
  public String address() {
    return redis.address();
  }

  /** The key of one user's position in one channel. */
  String key(String channel, String user) {
    return redis.keyPrefix() + ":sync:" + RedisKeys.tagged(Objects.requireNonNull(channel, "channel")) + ":"
        + encodeUser(Objects.requireNonNull(user, "user"));
  }

  /** {@code user} without ':' (and so without ambiguity): '%' becomes "%25", ':' becomes "%3A". */
  static String encodeUser(String user) {
    if (user.indexOf('%') < 0 && user.indexOf(':') < 0) return user;
    return user.replace("%", "%25").replace(":", "%3A");
  }

}
