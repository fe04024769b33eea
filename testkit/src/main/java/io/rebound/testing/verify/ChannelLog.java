package io.rebound.testing.verify;

import java.util.List;
import java.util.Objects;

/**
 * What the publisher saw of one channel.
 *
 * @param channel the channel
 * @param acks every acknowledged publication, in the order the acknowledgements arrived
 * @param history the history read at the end, or null when none was read
 */
public record ChannelLog(String channel, List<Ack> acks, HistorySnapshot history) {
  public ChannelLog {
    Objects.requireNonNull(channel, "channel");
    acks = List.copyOf(acks);
  }
}
