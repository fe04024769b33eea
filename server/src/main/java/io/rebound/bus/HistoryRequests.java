package io.rebound.bus;

import io.rebound.core.HistoryQuery;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;

/** Node-local event-bus messages understood by {@link HistoryVerticle}. */
public final class HistoryRequests {
  private HistoryRequests() {}

  public record Append(String channel, Publication publication, StreamOptions options, String idempotencyKey) {}

  public record Read(String channel, HistoryQuery query, StreamOptions options) {}

  public record Remove(String channel) {}
}
