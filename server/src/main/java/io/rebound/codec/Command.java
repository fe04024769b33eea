package io.rebound.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * One decoded client command: {@code {"id":N,"<method>":{...}}}.
 *
 * @param id request id (0 for {@code send} and for the pong {@code {}})
 * @param method the request field name, or null for the empty pong command
 * @param params the request object (never null; {@link NullNode} when absent)
 * @param rawData the request's {@code data} member as the exact JSON text the client sent, or null
 */
public record Command(long id, String method, JsonNode params, String rawData) {

  public boolean isPong() {
    return method == null && id == 0;
  }

  public String text(String field) {
    JsonNode n = params.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  public boolean flag(String field) {
    JsonNode n = params.get(field);
    return n != null && n.asBoolean(false);
  }

  public long number(String field, long fallback) {
    JsonNode n = params.get(field);
    return n == null || !n.canConvertToLong() ? fallback : n.asLong();
  }
}
