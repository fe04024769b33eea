package io.rebound.testing.verify;

import io.rebound.testing.verify.SubscriberEvent.Received;
import io.rebound.testing.verify.SubscriberEvent.Subscribed;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks one subscriber's events against its channel's acknowledged publications.
 *
 * <p>The events are cut into segments. A segment starts at a subscribe result that does not promise continuity (a
 * first subscribe, or {@code recovered: false}) and runs on across every {@code recovered: true} resubscribe. Within a
 * segment, every acknowledged publication of the segment's epoch above its start must be received once and in offset
 * order, up to the last one received before a {@code recovered: false} (what follows was explicitly lost) or, for the
 * last segment, up to the last one acknowledged.
 */
final class SubscriberWalk {

  private final SubscriberLog log;
  private final ChannelIndex index;
  private final OffsetLedger ledger;
  private final String finalEpoch;
  private final List<Finding> findings = new ArrayList<>();
  private final Set<String> payloadsSeen = new HashSet<>();
  private final List<String> lost = new ArrayList<>();
  private final List<String> duplicates = new ArrayList<>();
  private final List<String> reorders = new ArrayList<>();
  private long lostCount;
  private long duplicateCount;
  private long reorderCount;
  private long deliveries;
  private long recoveries;
  private Segment current;

  /** A stretch of the stream the subscriber was promised without a gap. */
  private static final class Segment {
    final String epoch;
    long start; // publications above this offset are expected
    long last; // the highest offset received in this segment (start while none)
    boolean startAtFirstReceived; // a first subscribe that recovered from a position the test does not know
    final Set<Long> offsets = new HashSet<>();

    Segment(String epoch, long start) {
      this.epoch = epoch;
      this.start = start;
      this.last = start;
    }
  }

  /** @param finalEpoch the stream's epoch at the end of the run (from the final history read), or null when unknown */
  SubscriberWalk(SubscriberLog log, ChannelIndex index, OffsetLedger ledger, String finalEpoch) {
    this.log = log;
    this.index = index;
    this.ledger = ledger;
    this.finalEpoch = finalEpoch;
  }

  /** Walks every event and returns the findings (silent losses, duplicates, reorders, explicit losses). */
  List<Finding> run() {
    for (SubscriberEvent e : log.events()) {
      if (e instanceof Subscribed s) onSubscribed(s);
      else onReceived((Received) e);
    }
    if (current != null) close(current, index.top(current.epoch));
    if (current != null) leftBehind(current);
    if (lostCount > 0) {
      findings.add(0, finding(Finding.Kind.SILENT_LOSS, lostCount, "acknowledged, never received, and no recovered:false said so", lost));
    }
    if (duplicateCount > 0) findings.add(finding(Finding.Kind.DUPLICATE, duplicateCount, "received more than once", duplicates));
    if (reorderCount > 0) findings.add(finding(Finding.Kind.REORDER, reorderCount, "received after a higher offset", reorders));
    return findings;
  }

  long deliveries() {
    return deliveries;
  }

  long recoveries() {
    return recoveries;
  }

  private void onSubscribed(Subscribed s) {
    if (s.wasRecovering() && s.recovered()) {
      recoveries++;
      if (current == null) {
        // Recovered from a position stored before this log began: what is expected starts at the first publication.
        current = new Segment(s.epoch(), s.offset());
        current.startAtFirstReceived = true;
        return;
      }
      if (current.epoch.equals(s.epoch())) return; // continuity promised, and the walk holds the server to it
      // Continuity promised across an epoch change: what the old epoch still had for us is lost without a word.
      List<String> samples = new ArrayList<>();
      long missed = missing(current, index.top(current.epoch), samples);
      if (missed > 0) {
        findings.add(finding(Finding.Kind.SILENT_LOSS, missed,
            "recovered:true although the epoch changed from " + current.epoch + " to " + s.epoch(), samples));
      }
      current = new Segment(s.epoch(), s.offset());
      return;
    }
    if (current != null) {
      if (s.explicitLoss()) explicitLoss(current, s);
      close(current, current.last);
    } else if (s.explicitLoss()) {
      findings.add(finding(Finding.Kind.EXPLICIT_LOSS, 0,
          "recovered:false on the first subscribe (from a position stored earlier); continued at offset " + s.offset(), List.of()));
    }
    current = new Segment(s.epoch(), s.offset());
  }

  private void onReceived(Received r) {
    deliveries++;
    Ack ack = index.ack(r.payload());
    long offset = r.offset() > 0 ? r.offset() : ack != null ? ack.offset() : 0;
    if (current == null) current = new Segment(ack != null ? ack.epoch() : "", Math.max(0, offset - 1));
    if (current.startAtFirstReceived && offset > 0) {
      current.start = current.last = offset - 1;
      current.startAtFirstReceived = false;
    }
    if (!payloadsSeen.add(r.payload())) {
      duplicateCount++;
      if (duplicates.size() < Finding.MAX_SAMPLES) duplicates.add(ChannelIndex.sample(offset, r.payload()));
      return;
    }
    if (offset <= 0) return; // no position to check order or loss by
    ledger.note(current.epoch, offset, r.payload(), "received by " + log.subscriber());
    if (!current.offsets.add(offset)) return; // the same offset with another payload: the ledger reports it
    if (offset < current.last) {
      reorderCount++;
      if (reorders.size() < Finding.MAX_SAMPLES) reorders.add(ChannelIndex.sample(offset, r.payload()) + " after offset " + current.last);
    } else {
      current.last = offset;
    }
  }

  /** Counts every acknowledged publication of {@code s} up to {@code bound} that it did not receive as a silent loss. */
  private void close(Segment s, long bound) {
    lostCount += missing(s, bound, lost);
  }

  /** The acknowledged publications of {@code s} up to {@code bound} it did not receive; the first few go to {@code samples}. */
  private long missing(Segment s, long bound, List<String> samples) {
    if (s.startAtFirstReceived) return 0; // nothing received: nothing known about where it started
    long n = 0;
    for (Map.Entry<Long, String> e : index.acked(s.epoch, s.start, bound).entrySet()) {
      if (s.offsets.contains(e.getKey())) continue;
      n++;
      if (samples.size() < Finding.MAX_SAMPLES) samples.add(ChannelIndex.sample(e.getKey(), e.getValue()));
    }
    return n;
  }

  /**
   * The subscriber ended in an epoch the stream has left and was never told (no subscribe result in the final epoch):
   * every publication acknowledged in the final epoch that it did not receive is lost without a word — what a
   * subscriber sees when an edge or client drops the new epoch's offsets as "already seen".
   */
  private void leftBehind(Segment s) {
    if (finalEpoch == null || finalEpoch.isEmpty() || s.epoch.equals(finalEpoch)) return;
    List<String> samples = new ArrayList<>();
    long missed = 0;
    for (Map.Entry<Long, String> e : index.acked(finalEpoch, 0, Long.MAX_VALUE).entrySet()) {
      if (payloadsSeen.contains(e.getValue())) continue;
      missed++;
      if (samples.size() < Finding.MAX_SAMPLES) samples.add(ChannelIndex.sample(e.getKey(), e.getValue()));
    }
    if (missed > 0) {
      findings.add(finding(Finding.Kind.SILENT_LOSS, missed,
          "left in epoch " + s.epoch + ": never told the stream moved to epoch " + finalEpoch, samples));
    }
  }

  private void explicitLoss(Segment s, Subscribed to) {
    long upTo = s.epoch.equals(to.epoch()) ? to.offset() : Long.MAX_VALUE;
    Map<Long, String> skipped = index.acked(s.epoch, s.last, upTo);
    List<String> samples = new ArrayList<>();
    for (Map.Entry<Long, String> e : skipped.entrySet()) {
      if (samples.size() == Finding.MAX_SAMPLES) break;
      samples.add(ChannelIndex.sample(e.getKey(), e.getValue()));
    }
    findings.add(finding(Finding.Kind.EXPLICIT_LOSS, skipped.size(), "recovered:false after offset " + s.last + " of epoch " + s.epoch
        + "; continued at offset " + to.offset() + " of epoch " + to.epoch(), samples));
  }

  private Finding finding(Finding.Kind kind, long count, String detail, List<String> samples) {
    return new Finding(kind, log.channel(), log.subscriber(), count, detail, samples);
  }
}
