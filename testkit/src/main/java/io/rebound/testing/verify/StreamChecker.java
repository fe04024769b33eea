package io.rebound.testing.verify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;

/**
 * Decides whether what subscribers received keeps Rebound's promise: every acknowledged publication reaches every
 * subscriber of its channel once and in order, unless the subscriber was told with {@code recovered: false}; history
 * holds what was acknowledged; no offset ever means two things.
 *
 * <p>Rules, per subscriber (see {@link SubscriberWalk} for the segments): an acknowledged publication above the
 * subscriber's start that it never received is a {@link Finding.Kind#SILENT_LOSS}; the same payload twice a
 * {@link Finding.Kind#DUPLICATE}; a lower offset after a higher one a {@link Finding.Kind#REORDER}; {@code recovered:
 * false} an {@link Finding.Kind#EXPLICIT_LOSS} (not a defect). Per channel: an acknowledged publication of the history's
 * epoch at or above its oldest retained offset but absent from it is {@link Finding.Kind#MISSING_FROM_HISTORY};
 * acknowledged publications of another epoch that history no longer holds (by payload: a new epoch may carry the old
 * publications over) are an {@link Finding.Kind#EPOCH_RESET} (not a defect: subscribers must have been told, which
 * their walk checks — a subscriber still in an old epoch at the end, missing publications of the final one, is a silent
 * loss); one (epoch, offset) seen with two payloads anywhere — publish results, history, subscribers — is {@link
 * Finding.Kind#CONFLICTING_PAYLOADS}. Pure and deterministic.
 */
public final class StreamChecker {

  private StreamChecker() {}

  /** The verdict on {@code observations}. */
  public static Verdict check(Observations observations) {
    Map<String, ChannelLog> logs = new LinkedHashMap<>();
    for (ChannelLog c : observations.channels()) logs.put(c.channel(), c);
    Set<String> channels = new LinkedHashSet<>(logs.keySet());
    for (SubscriberLog s : observations.subscribers()) channels.add(s.channel());

    List<Finding> findings = new ArrayList<>();
    long acknowledged = 0;
    long deliveries = 0;
    long recoveries = 0;
    for (String channel : channels) {
      ChannelLog log = logs.getOrDefault(channel, new ChannelLog(channel, List.of(), null));
      OffsetLedger ledger = new OffsetLedger(channel);
      ChannelIndex index = new ChannelIndex(channel, log.acks(), ledger);
      acknowledged += index.size();
      findings.addAll(index.findings());
      if (log.history() != null) findings.addAll(checkHistory(index, log.history(), ledger));
      for (SubscriberLog s : observations.subscribers()) {
        if (!s.channel().equals(channel)) continue;
        SubscriberWalk walk = new SubscriberWalk(s, index, ledger, log.history() == null ? null : log.history().epoch());
        findings.addAll(walk.run());
        deliveries += walk.deliveries();
        recoveries += walk.recoveries();
      }
      findings.addAll(ledger.findings());
    }
    return new Verdict(findings, new Verdict.Totals(channels.size(), observations.subscribers().size(), acknowledged, deliveries, recoveries));
  }

  private static List<Finding> checkHistory(ChannelIndex index, HistorySnapshot history, OffsetLedger ledger) {
    Map<Long, String> held = new HashMap<>();
    Set<String> heldPayloads = new HashSet<>();
    for (HistorySnapshot.Entry e : history.publications()) {
      held.put(e.offset(), e.payload());
      heldPayloads.add(e.payload());
      ledger.note(history.epoch(), e.offset(), e.payload(), "history");
    }
    List<Finding> out = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> reset = new ArrayList<>();
    long missingCount = 0;
    long resetCount = 0;
    for (Map.Entry<String, NavigableMap<Long, String>> epoch : index.epochs().entrySet()) {
      boolean current = epoch.getKey().equals(history.epoch());
      for (Map.Entry<Long, String> a : epoch.getValue().entrySet()) {
        String sample = ChannelIndex.sample(a.getKey(), a.getValue());
        if (!current) {
          // Carried into the new epoch (a merge that could not prove continuity keeps what it has): nothing lost.
          if (heldPayloads.contains(a.getValue())) continue;
          resetCount++;
          if (reset.size() < Finding.MAX_SAMPLES) reset.add(sample + " of epoch " + epoch.getKey());
        } else if (a.getKey() > history.top() || (a.getKey() >= history.firstRetained() && !a.getValue().equals(held.get(a.getKey())))) {
          // Above the top the stream went back; inside the retained window there is a hole (or another payload took
          // the offset: the ledger reports that too). Below the window, trimming by history_size is allowed.
          missingCount++;
          if (missing.size() < Finding.MAX_SAMPLES) missing.add(sample);
        }
      }
    }
    if (missingCount > 0) {
      out.add(new Finding(Finding.Kind.MISSING_FROM_HISTORY, index.channel(), null, missingCount,
          "acknowledged, but history (epoch " + history.epoch() + ", top " + history.top() + ") does not hold it", missing));
    }
    if (resetCount > 0) {
      out.add(new Finding(Finding.Kind.EPOCH_RESET, index.channel(), null, resetCount,
          "acknowledged in an epoch the stream has left (now " + history.epoch() + ") and no longer in history", reset));
    }
    return out;
  }
}
