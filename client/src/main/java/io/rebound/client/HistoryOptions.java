package io.rebound.client;

/**
 * What a {@code history} call reads. Immutable; start from {@link #latest(int)} or {@link #since(StreamPosition, int)}.
 *
 * @param limit at most this many publications; 0 returns none (only the top position), -1 as many as the server
 *     allows ({@code client_history_max_publication_limit})
 * @param since start after this position (forward), or before it with {@code reverse}; null for the start (or the
 *     newest with {@code reverse})
 * @param reverse newest first
 * @param untilAttach only publications up to the subscription's attach position (EXTENSIONS.md §3; the connection must
 *     be subscribed to the channel)
 */
public record HistoryOptions(int limit, StreamPosition since, boolean reverse, boolean untilAttach) {

  /** The oldest {@code limit} publications still in history (with {@link #reverse(boolean)} true: the newest). */
  public static HistoryOptions latest(int limit) {
    return new HistoryOptions(limit, null, false, false);
  }

  /** Up to {@code limit} publications after {@code since}. */
  public static HistoryOptions since(StreamPosition since, int limit) {
    return new HistoryOptions(limit, since, false, false);
  }

  public HistoryOptions reverse(boolean on) {
    return new HistoryOptions(limit, since, on, untilAttach);
  }

  public HistoryOptions untilAttach(boolean on) {
    return new HistoryOptions(limit, since, reverse, on);
  }
}
