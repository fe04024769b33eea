package io.rebound.core;

import java.util.Objects;

/**
 * A position in a channel stream: the offset of the last publication seen, within an epoch.
 *
 * <p>Offsets start at 1 for the first publication of a stream and grow by exactly one per stored
 * publication; an empty stream's top is offset 0. The epoch is a random string chosen when the
 * stream is (re)created. It exists because a stream that was lost (TTL expiry, a store that lost its
 * data, a node restart with the memory engine) starts again at offset 1: without the epoch a client
 * at offset 7 of the old stream would wrongly believe offset 8 of the new stream follows its state.
 * Two positions are only comparable when their epochs are equal; an empty epoch in a client request
 * means "any epoch" (Centrifugo semantics).
 */
public record StreamPosition(long offset, String epoch) {

  public static final StreamPosition EMPTY = new StreamPosition(0, "");

  public StreamPosition {
    if (offset < 0) throw new IllegalArgumentException("offset must be >= 0: " + offset);
    epoch = epoch == null ? "" : epoch;
  }

  /** True when {@code other}'s epoch is compatible: equal, or empty (unspecified) on either side. */
  public boolean sameEpoch(StreamPosition other) {
    Objects.requireNonNull(other);
    return epoch.isEmpty() || other.epoch.isEmpty() || epoch.equals(other.epoch);
  }
}
