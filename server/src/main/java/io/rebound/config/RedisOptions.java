package io.rebound.config;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * How to reach Redis when it is the engine or the history engine: the one options record of every
 * Redis-backed part of a node (history, sync positions, fan-out, presence).
 *
 * @param address {@code redis_address}: a {@code redis://} or {@code rediss://} (TLS) URI
 * @param connectTimeout {@code redis_connect_timeout}
 * @param commandTimeout {@code redis_command_timeout}: a command slower than this fails, so a stuck
 *     Redis surfaces as errors instead of piling up requests
 * @param poolSize {@code redis_pool_size}: connections kept open per node
 */
public record RedisOptions(String address, Duration connectTimeout, Duration commandTimeout, int poolSize) {

  public static final RedisOptions DEFAULTS =
      new RedisOptions("redis://127.0.0.1:6379", Duration.ofSeconds(1), Duration.ofSeconds(1), 16);

  /** The JSON keys of these options (all at top level). */
  static final Set<String> KEYS =
      Set.of("redis_address", "redis_connect_timeout", "redis_command_timeout", "redis_pool_size");

  /** Validates, naming the JSON key at fault. */
  public RedisOptions {
    if (address == null || !(address.startsWith("redis://") || address.startsWith("rediss://"))) {
      throw ConfigException.at("redis_address", "\"" + address + "\" must start with redis:// or rediss://");
    }
    if (connectTimeout == null || connectTimeout.toMillis() <= 0) {
      throw ConfigException.at("redis_connect_timeout", "must be > 0");
    }
    if (commandTimeout == null || commandTimeout.toMillis() <= 0) {
      throw ConfigException.at("redis_command_timeout", "must be > 0");
    }
    if (poolSize <= 0) throw ConfigException.at("redis_pool_size", "must be > 0");
  }

  /** {@link #DEFAULTS} with another address. */
  public static RedisOptions of(String address) {
    return new RedisOptions(address, DEFAULTS.connectTimeout, DEFAULTS.commandTimeout, DEFAULTS.poolSize);
  }

  /** The address without its password, for logs and error messages. */
  public String safeAddress() {
    return redacted(address);
  }

  @Override
  public String toString() {
    return "RedisOptions[address=" + safeAddress() + ", connectTimeout=" + connectTimeout + ", commandTimeout="
        + commandTimeout + ", poolSize=" + poolSize + "]";
  }

  static String redacted(String address) {
    try {
      URI uri = URI.create(address);
      if (uri.getUserInfo() == null) return address;
      return uri.getScheme() + "://***@" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
          + (uri.getPath() == null ? "" : uri.getPath());
    } catch (IllegalArgumentException e) {
      int at = address.lastIndexOf('@');
      return at < 0 ? address : "redis://***" + address.substring(at);
    }
  }

  /** Reads these options from {@code f}, whose allowed keys must include {@link #KEYS}. */
  static RedisOptions read(JsonFields f) {
    RedisOptions d = DEFAULTS;
    return f.build(() -> new RedisOptions(
        f.string("redis_address", d.address),
        f.duration("redis_connect_timeout", d.connectTimeout),
        f.duration("redis_command_timeout", d.commandTimeout),
        f.integer("redis_pool_size", d.poolSize)));
  }
}
