package io.rebound.client;

/**
 * A loss of continuity the server reported on a subscription that stays active (EXTENSIONS.md §3; only sent when the
 * client asked for it with {@link ReboundClientOptions#discontinuity(boolean)}). Publications in
 * {@code (since.offset, attach.offset]} were not delivered; everything after {@code attach} arrives live, in order.
 * {@link ReboundClient#missedPublications(Discontinuity, int)} reads the missing range from history.
 *
 * @param channel the channel
 * @param reason {@code gap} (history could not fill a gap), {@code overflow} (the connection's queue overflowed) or
 *     {@code epoch} (the stream was reset: the missing range is unknowable)
 * @param since the last position delivered in order before the break
 * @param attach the position at which the subscription was re-established
 */
public record Discontinuity(String channel, String reason, StreamPosition since, StreamPosition attach) {

  /** Whether the missing range can be read from history ({@code since} and {@code attach} in one epoch). */
  public boolean fillable() {
    return since.epoch().equals(attach.epoch()) && attach.offset() >= since.offset();
  }
}
