package io.rebound.channel;

import io.rebound.protocol.ErrorCode;

import io.rebound.config.BrokerConfig;

/** Channel resolution for command and API handlers: an unusable name becomes its protocol error. */
public final class Channels {
  private Channels() {}

  /** The resolved channel; 107 for a missing name, 102 for an unknown namespace (ChannelName's rules). */
  public static ChannelName resolve(String channel, BrokerConfig config) {
    if (channel == null || channel.isEmpty()) throw ErrorCode.BAD_REQUEST.exception("channel required");
    try {
      return ChannelName.resolve(channel, config);
    } catch (ChannelException e) {
      throw ErrorCode.ofCode(e.code()).exception();
    }
  }
}
