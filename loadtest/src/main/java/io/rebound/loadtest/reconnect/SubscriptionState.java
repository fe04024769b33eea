package io.rebound.loadtest.reconnect;

import io.rebound.client.Publication;

/**
 * What one client knows about one of its subscriptions for the accounting: whether it is subscribed and the last
 * payload sequence seen, which is how loss and duplicates are counted. (The stream position to recover from is kept
 * by the client SDK itself.) The publisher keeps at most one publication per channel in flight, so on a fresh channel
 * the broker's order is the sequence order: a jump is a loss, a repeat is a duplicate. Confined to the owning shard's
 * event loop.
 */
final class SubscriptionState {

  /** lastSeq after recovered:false: the next publication becomes the new baseline (the gap is excused). */
  static final long UNKNOWN = -1;

  final String channel;
  final int publisherIndex;
  boolean subscribed;
  /** Channels are fresh and subscribed before publishing starts, so the first publication is seq 1. */
  long lastSeq;

  SubscriptionState(String channel, int publisherIndex) {
    this.channel = channel;
    this.publisherIndex = publisherIndex;
  }

  /** Accounts one publication (live or replayed by a recovery). */
  void accept(Publication p, ReconnectStats stats) {
    if (p.data() == null || !p.data().path("seq").canConvertToLong()) {
      stats.stray.increment();
      return;
    }
    long seq = p.data().get("seq").asLong();
    if (lastSeq == UNKNOWN) {
      lastSeq = seq;
      stats.deliveries.increment();
      return;
    }
    if (seq <= lastSeq) {
      stats.duplicates.increment();
      return;
    }
    if (seq > lastSeq + 1) stats.lostGaps.add(seq - lastSeq - 1);
    lastSeq = seq;
    stats.deliveries.increment();
  }
}
