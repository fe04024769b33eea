package io.rebound.loadtest;

/**
 * What one client knows about one of its subscriptions: the stream position to recover from (as the
 * SDK stores it, PROTOCOL.md §3.4) and the last payload sequence seen, which is how loss and duplicates
 * are counted. The publisher keeps at most one publication per channel in flight, so on a fresh
 * channel the broker's order is the sequence order: a jump is a loss, a repeat is a duplicate.
 * Confined to the owning shard's event loop.
 */
final class SubscriptionState {

  /** lastSeq after recovered:false: the next publication becomes the new baseline (the gap is excused). */
  static final long UNKNOWN = -1;

  final String channel;
  final int publisherIndex;
  long offset;
  String epoch = "";
  boolean recoverable;
  boolean subscribed;
  int pendingId;
  /** Channels are fresh and subscribed before publishing starts, so the first publication is seq 1. */
  long lastSeq;

  SubscriptionState(String channel, int publisherIndex) {
    this.channel = channel;
    this.publisherIndex = publisherIndex;
  }

  /** Accounts one publication (live or replayed by a recovery). */
  void accept(long seq, long pubOffset, ReconnectStats stats) {
    if (seq == FrameScanner.NO_VALUE) {
      stats.stray.increment();
      return;
    }
    if (pubOffset != FrameScanner.NO_VALUE) offset = pubOffset;
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

  /** The subscribe command the SDK would send: with recover/offset/epoch once a position is known. */
  String subscribeCommand(int id) {
    StringBuilder b = new StringBuilder(96).append("{\"id\":").append(id).append(",\"subscribe\":{\"channel\":\"").append(channel).append('"');
    if (recoverable) {
      b.append(",\"recover\":true");
      if (offset != 0) b.append(",\"offset\":").append(offset);
      if (!epoch.isEmpty()) b.append(",\"epoch\":\"").append(epoch).append('"');
    }
    return b.append("}}").toString();
  }
}
