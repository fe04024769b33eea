package io.rebound.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rebound.core.ClientInfo;
import io.rebound.core.Payload;

/**
 * One server API call, from HTTP, the {@code rebound.api} event-bus address, or a client publish.
 *
 * @param params the method's parameters (an object)
 * @param data the payload as it arrived, or null: the exact JSON text of {@code params.data} (so it
 *     passes through unchanged), or a client publish's bytes; when null, publish reads {@code
 *     params.data} / {@code params.b64data}
 * @param publisher who publishes, for client-side publishes (null for backend calls)
 */
public record ApiRequest(String method, JsonNode params, Payload data, ClientInfo publisher) {
  public ApiRequest {
    params = params == null || params.isNull() ? JsonNodeFactory.instance.objectNode() : params;
  }
}
