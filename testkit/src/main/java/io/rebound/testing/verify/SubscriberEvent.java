package io.rebound.testing.verify;

import java.util.Objects;

/** One thing a subscriber observed on its channel, in the order it observed it. */
public sealed interface SubscriberEvent {

  /**
   * A publication handed to the application.
   *
   * @param offset its offset as the client received it; 0 when unknown (then the acknowledged offset is used)
   * @param payload the publisher's identifier found in the publication's data
   */
  record Received(long offset, String payload) implements SubscriberEvent {
    public Received {
      Objects.requireNonNull(payload, "payload");
      if (offset < 0) throw new IllegalArgumentException("offset < 0");
    }
  }

  /**
   * A subscribe result (first subscribe or resubscribe).
   *
   * @param wasRecovering the client asked to continue from a position
   * @param recovered the server promised continuity: every publication after the client's position follows
   * @param offset the stream position the subscription continues from (the top at a fresh subscribe)
   * @param epoch the epoch of that position
   */
  record Subscribed(boolean wasRecovering, boolean recovered, long offset, String epoch) implements SubscriberEvent {
    public Subscribed {
      epoch = epoch == null ? "" : epoch;
    }

    /** The server said continuity could not be proven: what was missed is gone, and the client knows it. */
    public boolean explicitLoss() {
      return wasRecovering && !recovered;
    }
  }
}
