package io.rebound.core;

import java.time.Duration;

/**
 * How a channel's stream is kept, taken from its namespace.
 *
 * @param size the most publications kept; older ones are trimmed on append
 * @param ttl how long a stream lives after its last append: publications are dropped together with
 *     the stream's position, so the next append starts a new epoch at offset 1
 * @param metaTtl how long the stream position (top offset + epoch) outlives its publications;
 *     never shorter than {@code ttl}. With {@code metaTtl > ttl} a quiet channel keeps its epoch (a
 *     returning client that missed nothing still recovers) while its publications are gone.
 */
public record StreamOptions(int size, Duration ttl, Duration metaTtl) {

  public static final StreamOptions DISABLED = new StreamOptions(0, Duration.ZERO, Duration.ZERO);

  public StreamOptions {
    if (size < 0) throw new IllegalArgumentException("size must be >= 0");
    ttl = ttl == null ? Duration.ZERO : ttl;
    metaTtl = metaTtl == null || metaTtl.compareTo(ttl) < 0 ? ttl : metaTtl;
  }

  public static StreamOptions of(int size, Duration ttl) {
    return new StreamOptions(size, ttl, ttl);
  }

  /** History is kept only when both size and TTL are positive (Centrifugo rule). */
  public boolean enabled() {
    return size > 0 && ttl.toMillis() > 0;
  }
}
