package io.rebound.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rebound.core.ClientInfo;

/**
 * One server API call, from HTTP, the {@code rebound.api} event-bus address, or a client publish.
 *
 * @param params the method's parameters (an object)
 * @param rawData the exact JSON text of {@code params.data}, or null, so payloads pass through unchanged
 * @param publisher who publishes, for client-side publishes (null for backend calls)
 */
public record ApiRequest(String method, JsonNode params, String rawData, ClientInfo publisher) {
  public ApiRequest {
    params = params == null || params.isNull() ? JsonNodeFactory.instance.objectNode() : params;
  }
}
