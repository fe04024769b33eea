package io.rebound.recovery;

import io.rebound.history.HistoryResult;
import io.rebound.history.Publication;
import io.rebound.history.StreamPosition;
import java.util.List;

/**
 * The one rule that decides {@code recovered} (Centrifugo stream mode). A client at {@code since} is
 * recovered when the read proves continuity: same epoch (or none given), and the publications read
 * start right after {@code since} and end at the stream top — so nothing was trimmed, expired or
 * beyond the replay cap. Anything else is not recovered: the client is told, never given a partial
 * replay.
 */
public final class RecoveryDecision {
  private RecoveryDecision() {}

  /**
   * @param read a forward read since {@code since.offset()} with limit {@code maxPublications + 1},
   *     so that "more than the cap was missed" is visible
   */
  public static RecoveryResult decide(StreamPosition since, HistoryResult read, int maxPublications) {
    StreamPosition top = read.top();
    List<Publication> pubs = read.publications();
    boolean sameEpoch = since.epoch().isEmpty() || since.epoch().equals(top.epoch());
    boolean recovered;
    if (!sameEpoch || since.offset() > top.offset()) {
      recovered = false;
    } else if (pubs.isEmpty()) {
      recovered = top.offset() == since.offset();
    } else {
      recovered = pubs.size() <= maxPublications
          && pubs.get(0).offset() == since.offset() + 1
          && pubs.get(pubs.size() - 1).offset() == top.offset();
    }
    return new RecoveryResult(recovered, recovered ? pubs : List.of(), top);
  }
}
