package io.rebound.engine.redis;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/** Builds vert.x Redis clients from {@link RedisHistoryOptions}, the same way for every Rebound component. */
public final class RedisClients {

  /** Pipelined replies one connection may owe before new commands are refused. */
  static final int MAX_PIPELINED = 4096;

  private RedisClients() {}

  /**
   * A standalone client whose pool can hold {@code connections} connections. Rebound leases them for
   * the client's lifetime ({@link RedisLink}) instead of borrowing per command, so replies on one
   * link keep their order and commands are pipelined.
   */
  public static Redis create(Vertx vertx, RedisHistoryOptions options, int connections) {
    RedisOptions redis = new RedisOptions()
        .setConnectionString(options.address())
        .setMaxPoolSize(connections)
        .setMaxPoolWaiting(connections)
        .setMaxWaitingHandlers(MAX_PIPELINED)
        .setNetClientOptions(new NetClientOptions()
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()))
            .setTcpNoDelay(true)
            .setTcpKeepAlive(true));
    return Redis.createClient(vertx, redis);
  }
}
