package io.rebound.testing.verify;

import java.util.List;

/**
 * A channel's history read once at the end of a run (server API {@code history} with {@code limit: -1}).
 *
 * @param epoch the stream's epoch
 * @param top the stream's top offset
 * @param publications the retained publications in offset order (oldest first)
 */
public record HistorySnapshot(String epoch, long top, List<Entry> publications) {

  /** One retained publication: its offset and the publisher's identifier found in its data. */
  public record Entry(long offset, String payload) {}

  public HistorySnapshot {
    epoch = epoch == null ? "" : epoch;
    publications = List.copyOf(publications);
  }

  /** The lowest retained offset, or {@code top + 1} when nothing is retained (everything trimmed or expired). */
  public long firstRetained() {
    return publications.isEmpty() ? top + 1 : publications.get(0).offset();
  }
}
