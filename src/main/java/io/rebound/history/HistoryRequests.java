package io.rebound.history;

/** Node-local event-bus messages understood by {@link HistoryVerticle}. */
public final class HistoryRequests {
  private HistoryRequests() {}

  public record Append(String channel, Publication publication, StreamOptions options, String idempotencyKey) {}

  public record Read(String channel, HistoryQuery query, StreamOptions options) {}

  public record Remove(String channel) {}
}
