package io.rebound.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One publication of a channel.
 *
 * @param channel the channel
 * @param offset its position in the channel's stream, 0 when the channel keeps no history
 * @param data the published JSON value
 * @param info the publisher, when the server sent it (null otherwise)
 * @param tags publication tags (empty when none)
 */
public record Publication(String channel, long offset, JsonNode data, ClientInfo info, Map<String, String> tags) {}
