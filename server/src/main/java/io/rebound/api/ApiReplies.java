package io.rebound.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.bus.ApiReply;
import io.rebound.codec.Replies;
import io.rebound.protocol.ProtocolException;

/**
 * The server API's answer envelopes: {@code {"result":…}} and the one {@code {"error":{code,message}}}
 * builder of the API (HTTP bodies, legacy lines, broadcast and batch items, the event-bus door).
 *
 * <p>Not the client protocol's error (written by its {@code WireCodec}), which carries {@code
 * temporary} for the JS SDK's retry rule; Centrifugo's server API error has exactly code and message,
 * and cent clients (and HTTP statuses such as 404 with code 404) rely on that shape.
 */
final class ApiReplies {
  private ApiReplies() {}

  /** {@code {"error":{"code":code,"message":message}}}. */
  static ObjectNode error(int code, String message) {
    ObjectNode out = Replies.object();
    out.putObject("error").put("code", code).put("message", message);
    return out;
  }

  static ObjectNode error(ProtocolException e) {
    return error(e.code(), e.getMessage());
  }

  /** {@code {"<field>":value}}: {@code result} for a call, the method name for a batch item. */
  static ObjectNode wrap(String field, JsonNode value) {
    ObjectNode out = Replies.object();
    out.set(field, value);
    return out;
  }

  /** A call's outcome as the API answers it: {@code {"result":…}} or {@code {"error":…}}. */
  static ObjectNode envelope(ApiReply reply) {
    return reply.error() != null ? error(reply.error()) : wrap("result", reply.result());
  }
}
