package io.rebound.testing.verify;

import java.util.List;

/**
 * Everything recorded during one run: the publisher's view of each channel and each subscriber's view of its channel.
 * A subscriber of a channel without a {@link ChannelLog} is checked against nothing acknowledged (only for duplicates
 * and order).
 */
public record Observations(List<ChannelLog> channels, List<SubscriberLog> subscribers) {
  public Observations {
    channels = List.copyOf(channels);
    subscribers = List.copyOf(subscribers);
  }
}
