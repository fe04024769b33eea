package io.rebound.core;

import java.util.Map;

/**
 * One message in a channel stream.
 *
 * @param offset position in the stream (0 when the publication is not stored in history)
 * @param data the payload as raw JSON text, passed through to clients byte for byte
 * @param info the publisher, for client-side publishes (null for API publishes)
 * @param tags optional string tags (null or empty when absent)
 */
public record Publication(long offset, String data, ClientInfo info, Map<String, String> tags) {

  public Publication {
    if (data == null || data.isEmpty()) throw new IllegalArgumentException("publication data is required");
    tags = tags == null || tags.isEmpty() ? null : Map.copyOf(tags);
  }

  public static Publication of(String data) {
    return new Publication(0, data, null, null);
  }

  /** The same publication placed at {@code newOffset}. */
  public Publication withOffset(long newOffset) {
    return new Publication(newOffset, data, info, tags);
  }
}
