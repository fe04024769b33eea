package io.rebound.core;

import java.util.List;

/**
 * What a read returned: the publications (in the query's order) and the stream's top position at
 * the moment of the read. Publications and top are taken atomically, so a caller may conclude
 * continuity from them.
 */
public record HistoryResult(List<Publication> publications, StreamPosition top) {
  public HistoryResult {
    publications = List.copyOf(publications);
  }
}
