package io.rebound.testing.verify;

import java.util.Objects;

/**
 * A publication the server API acknowledged: the publisher's own id for it and where the broker says it stored it.
 *
 * @param payload the publisher's identifier of the publication (unique per channel, e.g. its sequence number)
 * @param offset the offset from the publish result; 0 when the channel keeps no history
 * @param epoch the epoch from the publish result; "" when the channel keeps no history
 */
public record Ack(String payload, long offset, String epoch) {
  public Ack {
    Objects.requireNonNull(payload, "payload");
    epoch = epoch == null ? "" : epoch;
    if (offset < 0) throw new IllegalArgumentException("offset < 0");
  }
}
