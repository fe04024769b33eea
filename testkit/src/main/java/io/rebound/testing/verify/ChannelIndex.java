package io.rebound.testing.verify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** The acknowledged publications of one channel, by payload and by (epoch, offset). */
final class ChannelIndex {

  private final String channel;
  private final Map<String, Ack> byPayload = new HashMap<>();
  private final Map<String, NavigableMap<Long, String>> byEpoch = new HashMap<>();
  private final List<Finding> findings = new ArrayList<>();

  ChannelIndex(String channel, List<Ack> acks, OffsetLedger ledger) {
    this.channel = channel;
    List<String> stored = new ArrayList<>();
    long twice = 0;
    for (Ack a : acks) {
      Ack first = byPayload.putIfAbsent(a.payload(), a);
      boolean positioned = a.offset() > 0;
      if (first != null && positioned && (first.offset() != a.offset() || !first.epoch().equals(a.epoch()))) {
        // The publisher's retry of one publication was stored again instead of being recognised (idempotency).
        twice++;
        stored.add("payload " + a.payload() + " at offsets " + first.offset() + " and " + a.offset());
      }
      if (positioned) {
        byEpoch.computeIfAbsent(a.epoch(), e -> new TreeMap<>()).putIfAbsent(a.offset(), a.payload());
        ledger.note(a.epoch(), a.offset(), a.payload(), "publish result");
      }
    }
    if (twice > 0) {
      findings.add(new Finding(Finding.Kind.DUPLICATE, channel, null, twice, "one publication acknowledged at two offsets", stored));
    }
  }

  String channel() {
    return channel;
  }

  Ack ack(String payload) {
    return byPayload.get(payload);
  }

  /** Acknowledged publications of {@code epoch} with {@code from < offset <= to}, by offset. */
  NavigableMap<Long, String> acked(String epoch, long from, long to) {
    NavigableMap<Long, String> all = byEpoch.get(epoch);
    if (all == null || to <= from) return new TreeMap<>();
    return all.subMap(from, false, to, true);
  }

  /** The highest acknowledged offset of {@code epoch}, 0 when none. */
  long top(String epoch) {
    NavigableMap<Long, String> all = byEpoch.get(epoch);
    return all == null || all.isEmpty() ? 0 : all.lastKey();
  }

  Map<String, NavigableMap<Long, String>> epochs() {
    return byEpoch;
  }

  int size() {
    return byPayload.size();
  }

  List<Finding> findings() {
    return findings;
  }

  static String sample(long offset, String payload) {
    return "offset " + offset + " (payload " + payload + ")";
  }
}
