package io.rebound.engine.hazelcast;

import java.util.function.Supplier;

/**
 * Decides what one channel's stream becomes when a split cluster heals and the two sides each hold a copy: the
 * rule behind {@link StreamMergePolicy}, pure so it is tested without a cluster.
 *
 * <p>The promise is that no offset of an epoch ever means two things. So a copy is taken whole only when the other
 * copy's history provably continues into it ({@link StoredStream#continuesInto}): the longer one wins and every
 * reader's position stays valid. When neither continues into the other — both sides appended after the split, or the
 * comparison is impossible because the overlap was trimmed — the existing (larger cluster's) stream is kept but moved
 * to a new epoch, so every client positioned in the old epoch learns {@code recovered: false} instead of being
 * handed a history that silently changed. The larger side keeps its publications: with split-brain protection it is
 * the side that could acknowledge appends.
 *
 * <p>Copies in different epochs are not the same stream any more (one side lost it and began again): the existing one
 * is kept as it is; readers of the other epoch get {@code recovered: false} on their own. A copy whose position
 * expired counts as absent.
 */
final class StreamMerge {

  private StreamMerge() {}

  /** What was decided. */
  enum Outcome {
    /** The existing copy stays (the merging one is a stale prefix of it, or of another epoch, or expired). */
    KEPT_EXISTING,
    /** The merging copy replaces the existing one (the existing one is a prefix of it, or absent). */
    TOOK_MERGING,
    /** Histories diverged or cannot be compared: the existing copy under a new epoch. */
    NEW_EPOCH,
    /** Neither side holds a live copy: nothing is stored. */
    NOTHING
  }

  /**
   * The decision and the value to store ({@code null} for {@link Outcome#NOTHING}).
   *
   * @param previousEpoch for {@link Outcome#NEW_EPOCH}, the epoch the stream left
   */
  record Result(Outcome outcome, StoredStream value, String previousEpoch) {}

  /**
   * @param merging the copy of the side that merges in (the smaller cluster)
   * @param existing the copy of the side it joins, or null when that side has none
   * @param now the clock of the member deciding, for expiry
   * @param freshEpoch called once when a new epoch is needed
   */
  static Result decide(StoredStream merging, StoredStream existing, long now, Supplier<String> freshEpoch) {
    StoredStream theirs = merging == null || merging.metaExpired(now) ? null : merging;
    StoredStream ours = existing == null || existing.metaExpired(now) ? null : existing;
    if (ours == null) {
      if (theirs != null) return new Result(Outcome.TOOK_MERGING, theirs, null);
      return existing == null ? new Result(Outcome.NOTHING, null, null) : new Result(Outcome.KEPT_EXISTING, existing, null);
    }
    if (theirs == null || !theirs.epoch().equals(ours.epoch()) || theirs.continuesInto(ours)) {
      return new Result(Outcome.KEPT_EXISTING, ours, null);
    }
    if (ours.continuesInto(theirs)) return new Result(Outcome.TOOK_MERGING, theirs, null);
    String previous = ours.epoch();
    ours.moveToEpoch(freshEpoch.get());
    return new Result(Outcome.NEW_EPOCH, ours, previous);
  }
}
