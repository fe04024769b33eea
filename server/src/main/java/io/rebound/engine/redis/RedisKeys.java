package io.rebound.engine.redis;

/**
 * Key names of a channel's data. Every key of one channel carries the same Redis Cluster hash tag,
 * so the scripts that touch them all run on one slot: {@code rebound:meta:{news}},
 * {@code rebound:pubs:{news}}, {@code rebound:idem:{news}:<key>}, {@code rebound:presence:{news}},
 * {@code rebound:presence-expiry:{news}}.
 *
 * <p>A channel that contains '}' (or is empty) cannot be its own hash tag: Redis would end the tag
 * early, or hash the whole key when the tag is empty, and split the channel's keys over slots. Such
 * channels get a tag derived from their hash, followed by the full name to keep keys unique.
 */
public final class RedisKeys {

  private final String prefix;

  RedisKeys(String prefix) {
    this.prefix = prefix;
  }

  String meta(String channel) {
    return prefix + ":meta:" + tagged(channel);
  }

  String publications(String channel) {
    return prefix + ":pubs:" + tagged(channel);
  }

  String idempotency(String channel, String key) {
    return prefix + ":idem:" + tagged(channel) + ":" + key;
  }

  /** Hash: client id → encoded client info of the channel's present members. */
  String presenceMembers(String channel) {
    return prefix + ":presence:" + tagged(channel);
  }

  /** Sorted set: client id → when its presence expires (ms, Redis clock). */
  String presenceExpiry(String channel) {
    return prefix + ":presence-expiry:" + tagged(channel);
  }

  /**
   * The hash-tagged form of {@code channel} that every key of the channel embeds; other stores keyed
   * by channel (the sync positions) use it too, so their keys share the channel's slot.
   */
  public static String tagged(String channel) {
    if (!channel.isEmpty() && channel.indexOf('}') < 0) return "{" + channel + "}";
    return "{#" + Integer.toHexString(channel.hashCode()) + "}" + channel;
  }
}
