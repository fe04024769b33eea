package io.rebound.recovery;

import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamPosition;
import java.util.List;

/**
 * The product's promise in one place: whether a client at a stream position can be brought up to
 * date from a history read without a silent gap. Every decision that says "recovered", "in sync",
 * "gap filled" or "unrecoverable position" is one of these verdicts; {@link StreamCursor} is the same
 * rule for publications arriving one at a time.
 *
 * <p>A read proves continuity from {@code at} only when it is in {@code at}'s epoch (an empty epoch
 * in a request means "any", Centrifugo's rule), {@code at} is not beyond the stream's top, and the
 * publications read start right after {@code at}. Pure: no Vert.x, no I/O, no state.
 */
public final class Continuity {
  private Continuity() {}

  /** What a history read proves about a position. */
  public enum Verdict {
    /** The read starts right after the position (and, for {@link #check}, reaches the top within the limit). */
    CONTIGUOUS,
    /** Publications after the position are gone (trimmed by size, expired by TTL, removed). */
    TRIMMED,
    /** The stream was recreated: the position belongs to an epoch that no longer exists. */
    EPOCH_CHANGED,
    /** The position is beyond the stream's top in the same epoch: not a position this stream ever had. */
    AHEAD,
    /** Continuous, but more publications were missed than one replay may carry. */
    OVER_LIMIT;

    public boolean continuous() {
      return this == CONTIGUOUS;
    }
  }

  /**
   * Whether {@code top}'s epoch is the one {@code at} names (or {@code at} names none). The check
   * that a positioned {@code history} call fails with 112 "unrecoverable position".
   */
  public static boolean epochMatches(StreamPosition at, StreamPosition top) {
    return at.epoch().isEmpty() || at.epoch().equals(top.epoch());
  }

  /**
   * Recovery: may a client at {@code at} be given {@code read}'s publications as everything it
   * missed? {@code read} is a forward read after {@code at.offset()} with a limit of {@code
   * maxPublications + 1}, so that "more than the cap was missed" is visible.
   */
  public static Verdict check(StreamPosition at, HistoryResult read, int maxPublications) {
    Verdict start = checkStart(at, read);
    if (start != Verdict.CONTIGUOUS) return start;
    List<Publication> pubs = read.publications();
    if (pubs.size() > maxPublications) return Verdict.OVER_LIMIT;
    // Publications and top are read atomically: a read that stops short of the top lost its tail.
    if (!pubs.isEmpty() && pubs.get(pubs.size() - 1).offset() != read.top().offset()) return Verdict.TRIMMED;
    return Verdict.CONTIGUOUS;
  }

  /**
   * Paged catch-up (offline user sync, gap filling): does {@code read} continue the stream right
   * after {@code at}? Unlike {@link #check}, a read may end before the top: the rest is read next.
   */
  public static Verdict checkStart(StreamPosition at, HistoryResult read) {
    StreamPosition top = read.top();
    if (!epochMatches(at, top)) return Verdict.EPOCH_CHANGED;
    if (at.offset() > top.offset()) return Verdict.AHEAD;
    List<Publication> pubs = read.publications();
    if (pubs.isEmpty()) return top.offset() == at.offset() ? Verdict.CONTIGUOUS : Verdict.TRIMMED;
    return pubs.get(0).offset() == at.offset() + 1 ? Verdict.CONTIGUOUS : Verdict.TRIMMED;
  }
}
