package io.rebound.bus;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.protocol.ProtocolException;

/** The outcome of an {@link ApiRequest}: a result object, or an error with a protocol code. */
public record ApiReply(JsonNode result, ProtocolException error) {
  public static ApiReply ok(JsonNode result) {
    return new ApiReply(result, null);
  }

  public static ApiReply failed(ProtocolException error) {
    return new ApiReply(null, error);
  }
}
