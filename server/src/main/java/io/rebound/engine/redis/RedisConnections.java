package io.rebound.engine.redis;

import io.rebound.config.RedisOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A node's connections to one Redis, shared by every Redis-backed part of the node: history, sync
 * positions, fan-out and presence. It holds the node's one vert.x {@link Redis} client, the options
 * and the key prefix; each part leases its own long-lived {@link RedisLink}s from it, so one part's
 * traffic never queues behind another's (a history read does not wait behind a presence refresh) and
 * a part can close its links without touching the others.
 *
 * <p>Links are leased for their whole life rather than borrowed per command, so the replies on one
 * link keep the order of its commands and commands are pipelined. The client's pool therefore only
 * needs room for every link — {@code poolSize} history links plus {@link #LINKS_BESIDE_HISTORY} —
 * and a few more ({@link #RECONNECT_ROOM}) so a link can reconnect before the pool has noticed that
 * its old socket closed.
 *
 * <p>Thread-safe. Closing it closes every link it handed out and the client.
 */
public final class RedisConnections {

  /** First part of every key and pub/sub channel name. */
  public static final String DEFAULT_KEY_PREFIX = "rebound";
  /** Links besides history's pool: sync positions, fan-out publisher, fan-out subscriber, presence. */
  static final int LINKS_BESIDE_HISTORY = 4;
  /** Pool places beyond the links, for reconnects that overlap the eviction of the socket they replace. */
  static final int RECONNECT_ROOM = 4;
  /** Pipelined replies one connection may owe before new commands are refused. */
  static final int MAX_PIPELINED = 4096;

  private final Vertx vertx;
  private final RedisOptions options;
  private final String keyPrefix;
  private final Redis client;
  private final Set<RedisLink> links = ConcurrentHashMap.newKeySet();

  private RedisConnections(Vertx vertx, RedisOptions options, String keyPrefix) {
    if (keyPrefix.isEmpty() || keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
      // The part after the prefix carries the Redis Cluster hash tag; a brace here would end it early.
      throw new IllegalArgumentException("Redis key prefix must be non-empty without '{' or '}': " + keyPrefix);
    }
    this.vertx = vertx;
    this.options = options;
    this.keyPrefix = keyPrefix;
    int maxLinks = options.poolSize() + LINKS_BESIDE_HISTORY + RECONNECT_ROOM;
    this.client = Redis.createClient(vertx, new io.vertx.redis.client.RedisOptions()
        .setConnectionString(options.address())
        .setMaxPoolSize(maxLinks)
        .setMaxPoolWaiting(maxLinks)
        .setMaxWaitingHandlers(MAX_PIPELINED)
        .setNetClientOptions(new NetClientOptions()
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()))
            .setTcpNoDelay(true)
            .setTcpKeepAlive(true)));
  }

  /** Connections to the Redis of {@code options}, keys under {@link #DEFAULT_KEY_PREFIX}. Connects nothing yet. */
  public static RedisConnections create(Vertx vertx, RedisOptions options) {
    return create(vertx, options, DEFAULT_KEY_PREFIX);
  }

  /** As {@link #create(Vertx, RedisOptions)} with another key prefix (several brokers on one Redis, tests). */
  public static RedisConnections create(Vertx vertx, RedisOptions options, String keyPrefix) {
    return new RedisConnections(vertx, options, keyPrefix);
  }

  public RedisOptions options() {
    return options;
  }

  public String keyPrefix() {
    return keyPrefix;
  }

  /** The address, without credentials. */
  public String address() {
    return options.safeAddress();
  }

  Vertx vertx() {
    return vertx;
  }

  /** A new plain link; {@link RedisLink#start()} opens it. */
  RedisLink link(String name) {
    return link(name, conn -> Future.succeededFuture());
  }

  /**
   * A new link that runs {@code onConnect} on every connection it opens before using it (e.g. SUBSCRIBE).
   *
   * @param name what the link is for, in log lines ("history#2", "fanout-subscriber")
   */
  RedisLink link(String name, Function<RedisConnection, Future<?>> onConnect) {
    RedisLink link = new RedisLink(this, client, name, onConnect);
    links.add(link);
    return link;
  }

  /** Called by a link that was closed, so this object stops tracking it. */
  void forget(RedisLink link) {
    links.remove(link);
  }

  /** Turns a failure to connect at start into the one exception callers see for "Redis is not there". */
  Throwable unavailable(Throwable e) {
    return e instanceof RedisUnavailableException ? e
        : new RedisUnavailableException("cannot connect to Redis at " + address() + ": " + e.getMessage(), e);
  }

  /** Closes every link handed out and the client. */
  public Future<Void> close() {
    for (RedisLink link : links) link.close();
    return client.close();
  }
}
