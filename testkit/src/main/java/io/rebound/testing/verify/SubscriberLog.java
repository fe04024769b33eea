package io.rebound.testing.verify;

import java.util.List;
import java.util.Objects;

/**
 * What one subscriber observed on one channel, in order.
 *
 * @param subscriber a name that tells the subscriber apart in the verdict (client and connection)
 * @param channel the channel
 * @param events subscribe results and received publications, in the order the application saw them
 */
public record SubscriberLog(String subscriber, String channel, List<SubscriberEvent> events) {
  public SubscriberLog {
    Objects.requireNonNull(subscriber, "subscriber");
    Objects.requireNonNull(channel, "channel");
    events = List.copyOf(events);
  }
}
