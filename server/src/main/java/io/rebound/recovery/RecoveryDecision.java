package io.rebound.recovery;

import io.rebound.core.HistoryResult;
import io.rebound.core.StreamPosition;
import java.util.List;

/**
 * Decides {@code recovered} for a channel recovery (Centrifugo stream mode) by {@link Continuity#check}:
 * a client at {@code since} is recovered when the read proves continuity — same epoch (or none
 * given), publications from right after {@code since} up to the stream top, within the replay cap.
 * Anything else is not recovered: the client is told, never given a partial replay.
 */
public final class RecoveryDecision {
  private RecoveryDecision() {}

  /**
   * @param read a forward read since {@code since.offset()} with limit {@code maxPublications + 1},
   *     so that "more than the cap was missed" is visible
   */
  public static RecoveryResult decide(StreamPosition since, HistoryResult read, int maxPublications) {
    boolean recovered = Continuity.check(since, read, maxPublications).continuous();
    return new RecoveryResult(recovered, recovered ? read.publications() : List.of(), read.top());
  }
}
