package io.rebound.edge.session;

import io.rebound.channel.ChannelName;
import io.rebound.channel.Channels;
import io.rebound.config.BrokerConfig;
import java.util.Arrays;

/**
 * The channel names an edge resolved last, so that the subscriptions of one channel share one {@link
 * ChannelName} (and its name and namespace strings) instead of each keeping its own: many idle
 * connections subscribed to the same channels is the common case, and each copy cost about 130 bytes
 * per subscription. A fixed direct-mapped table: bounded memory, no allocation on a hit, an entry is
 * simply replaced when another channel hashes to its slot. Resolution rules and errors are {@link
 * Channels#resolve}'s; a name is served from the table only for the configuration it was resolved
 * with.
 *
 * <p>Confined to its edge's event loop.
 */
final class RecentChannels {

  private static final int SLOTS = 512; // a power of two

  private final ChannelName[] slots = new ChannelName[SLOTS];
  private BrokerConfig resolvedWith;

  /** {@code channel} resolved under {@code config}, as {@link Channels#resolve} (and its protocol errors). */
  ChannelName resolve(String channel, BrokerConfig config) {
    if (config != resolvedWith) {
      Arrays.fill(slots, null);
      resolvedWith = config;
    }
    int slot = channel == null ? 0 : spread(channel.hashCode()) & (SLOTS - 1);
    ChannelName known = slots[slot];
    if (known != null && known.channel().equals(channel)) return known;
    ChannelName name = Channels.resolve(channel, config);
    slots[slot] = name;
    return name;
  }

  private static int spread(int hash) {
    return hash ^ (hash >>> 16);
  }
}
