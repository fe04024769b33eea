package io.rebound.engine.redis;

import java.net.URI;
import java.time.Duration;

/**
 * How Rebound reaches Redis, shared by {@link RedisHistory} and the Redis broadcaster.
 *
 * @param address {@code redis://[:password@]host:port[/db]}
 * @param connectTimeout how long a TCP connect (and handshake) may take before it counts as failed
 * @param commandTimeout how long a command may wait for its reply before it fails with {@link
 *     RedisUnavailableException}; never unbounded, so callers cannot hang on a frozen Redis
 * @param poolSize how many connections {@link RedisHistory} keeps open (commands are pipelined on them)
 * @param keyPrefix first part of every key and pub/sub channel name; must not contain '{' or '}'
 *     because the part after it carries the Redis Cluster hash tag
 */
public record RedisHistoryOptions(
    String address, Duration connectTimeout, Duration commandTimeout, int poolSize, String keyPrefix) {

  public static final String DEFAULT_ADDRESS = "redis://127.0.0.1:6379";
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
  public static final int DEFAULT_POOL_SIZE = 4;
  public static final String DEFAULT_KEY_PREFIX = "rebound";

  public RedisHistoryOptions {
    address = address == null || address.isBlank() ? DEFAULT_ADDRESS : address;
    connectTimeout = positiveOr(connectTimeout, DEFAULT_CONNECT_TIMEOUT);
    commandTimeout = positiveOr(commandTimeout, DEFAULT_COMMAND_TIMEOUT);
    poolSize = poolSize <= 0 ? DEFAULT_POOL_SIZE : poolSize;
    keyPrefix = keyPrefix == null || keyPrefix.isEmpty() ? DEFAULT_KEY_PREFIX : keyPrefix;
    if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
      throw new IllegalArgumentException("Redis key prefix must not contain '{' or '}': " + keyPrefix);
    }
    if (!address.startsWith("redis://") && !address.startsWith("rediss://")) {
      throw new IllegalArgumentException("Redis address must look like redis://[:password@]host:port[/db], got " + redacted(address));
    }
  }

  /** Defaults for everything but the address. */
  public static RedisHistoryOptions of(String address) {
    return new RedisHistoryOptions(address, null, null, 0, null);
  }

  /** The address without its password, for logs and error messages. */
  public String safeAddress() {
    return redacted(address);
  }

  static String redacted(String address) {
    try {
      URI uri = URI.create(address);
      if (uri.getUserInfo() == null) return address;
      return uri.getScheme() + "://***@" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + (uri.getPath() == null ? "" : uri.getPath());
    } catch (IllegalArgumentException e) {
      int at = address.lastIndexOf('@');
      return at < 0 ? address : "redis://***" + address.substring(at);
    }
  }

  private static Duration positiveOr(Duration d, Duration fallback) {
    return d == null || d.isZero() || d.isNegative() ? fallback : d;
  }
}
