package io.rebound.core;

import java.util.Map;

/**
 * One message in a channel stream.
 *
 * @param offset position in the stream (0 when the publication is not stored in history)
 * @param data the payload, passed through to clients byte for byte (JSON clients get it raw, as JSON)
 * @param info the publisher, for client-side publishes (null for API publishes)
 * @param tags optional string tags (null or empty when absent)
 */
public record Publication(long offset, Payload data, ClientInfo info, Map<String, String> tags) {

  public Publication {
    if (data == null) throw new IllegalArgumentException("publication data is required");
    tags = tags == null || tags.isEmpty() ? null : Map.copyOf(tags);
  }

  /** A publication whose payload is the JSON text {@code json}. */
  public Publication(long offset, String json, ClientInfo info, Map<String, String> tags) {
    this(offset, json == null || json.isEmpty() ? null : Payload.json(json), info, tags);
  }

  public static Publication of(String json) {
    return new Publication(0, json, null, null);
  }

  /** The same publication placed at {@code newOffset}. */
  public Publication withOffset(long newOffset) {
    return new Publication(newOffset, data, info, tags);
  }
}
