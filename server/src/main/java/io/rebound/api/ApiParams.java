package io.rebound.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.channel.ChannelName;
import io.rebound.channel.Channels;
import io.rebound.config.BrokerConfig;
import io.rebound.protocol.ProtocolException;

/** Reading the parameters every method group shares (Jackson trees, as decoded at the API's doors). */
final class ApiParams {
  private ApiParams() {}

  /** {@code params.field} as text, or null when absent or JSON null. */
  static String text(JsonNode params, String field) {
    JsonNode n = params.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  /**
   * The channel named by {@code params.channel} with its namespace options.
   *
   * @throws ProtocolException 107 when absent, 102 for an unknown namespace, 107 for a bad name
   */
  static ChannelName channel(JsonNode params, BrokerConfig config) {
    return Channels.resolve(text(params, "channel"), config);
  }
}
