package io.rebound.core;

/**
 * A read of a channel stream.
 *
 * @param since exclusive start position, or null. Forward: publications with offset greater than
 *     {@code since.offset}. Reverse: publications with offset less than {@code since.offset}, newest
 *     first. Null: forward from the oldest kept publication, or reverse from the newest. The epoch of
 *     {@code since} is not checked by the engine: callers compare it with the returned top.
 * @param limit most publications returned; {@link #NO_LIMIT} for all, 0 for none (top only)
 * @param reverse newest first
 */
public record HistoryQuery(StreamPosition since, int limit, boolean reverse) {

  public static final int NO_LIMIT = -1;

  public HistoryQuery {
    if (limit < NO_LIMIT) throw new IllegalArgumentException("limit must be >= -1");
  }

  public static HistoryQuery topOnly() {
    return new HistoryQuery(null, 0, false);
  }

  public static HistoryQuery since(StreamPosition since, int limit) {
    return new HistoryQuery(since, limit, false);
  }
}
