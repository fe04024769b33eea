package io.rebound.testing.verify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every (epoch, offset) of one channel with the payloads seen there and who saw them: one offset served with two
 * payloads means the stream was rewritten under its readers (a split brain merged badly, an epoch reused).
 */
final class OffsetLedger {

  private final String channel;
  // "epoch\0offset" -> payload -> first source; two payloads under one key is a conflict.
  private final Map<String, Map<String, String>> seen = new LinkedHashMap<>();

  OffsetLedger(String channel) {
    this.channel = channel;
  }

  void note(String epoch, long offset, String payload, String source) {
    if (offset <= 0) return;
    seen.computeIfAbsent(epoch + "\u0000" + offset, k -> new LinkedHashMap<>(2)).putIfAbsent(payload, source);
  }

  /** One finding for the channel when any offset was seen with two payloads; empty otherwise. */
  List<Finding> findings() {
    long conflicts = 0;
    List<String> samples = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> e : seen.entrySet()) {
      if (e.getValue().size() < 2) continue;
      conflicts++;
      String[] key = e.getKey().split("\u0000", 2);
      StringBuilder s = new StringBuilder("offset ").append(key[1]).append(" of epoch ").append(key[0]).append(':');
      e.getValue().forEach((payload, source) -> s.append(" payload ").append(payload).append(" (").append(source).append(')'));
      samples.add(s.toString());
    }
    if (conflicts == 0) return List.of();
    return List.of(new Finding(Finding.Kind.CONFLICTING_PAYLOADS, channel, null, conflicts,
        "offsets served with two different payloads", samples));
  }
}
