package io.rebound.edge;

import io.rebound.engine.FanoutMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Puts one channel's publications back in offset order on this edge. Publications from different
 * publishers (nodes) may arrive out of order; one that comes ahead of a gap is held until the gap
 * closes, is filled from history, or is declared lost. Pure logic, event-loop confined.
 */
final class ChannelOrder {

  /** The most publications held behind a gap before it is treated as unfillable. */
  static final int MAX_HELD = 1024;

  private String epoch;
  private long last = -1; // offset of the last publication released; -1 = no baseline yet
  private final TreeMap<Long, FanoutMessage> held = new TreeMap<>();

  /** What {@link #offer} decided. */
  enum Verdict { RELEASED, HELD, DUPLICATE, EPOCH_CHANGED, OVERFLOW }

  record Outcome(Verdict verdict, List<FanoutMessage> release) {}

  Outcome offer(FanoutMessage msg) {
    if (msg.offset() == 0) return new Outcome(Verdict.RELEASED, List.of(msg)); // not stored: no order to keep
    if (epoch != null && !epoch.equals(msg.epoch())) {
      reset(msg);
      return new Outcome(Verdict.EPOCH_CHANGED, List.of(msg));
    }
    if (last < 0) {
      reset(msg);
      return new Outcome(Verdict.RELEASED, List.of(msg));
    }
    if (msg.offset() <= last || held.containsKey(msg.offset())) return new Outcome(Verdict.DUPLICATE, List.of());
    if (msg.offset() == last + 1) {
      List<FanoutMessage> out = new ArrayList<>(1 + held.size());
      out.add(msg);
      last = msg.offset();
      drainContiguous(out);
      return new Outcome(Verdict.RELEASED, out);
    }
    held.put(msg.offset(), msg);
    if (held.size() > MAX_HELD) return new Outcome(Verdict.OVERFLOW, List.of());
    return new Outcome(Verdict.HELD, List.of());
  }

  boolean hasGap() {
    return !held.isEmpty();
  }

  long lastReleased() {
    return last;
  }

  String epoch() {
    return epoch;
  }

  /** Offsets missing before the first held publication: (last, firstHeld). */
  long firstHeld() {
    return held.firstKey();
  }

  /**
   * Releases publications recovered from history for the gap (offset order, any may already be
   * known) followed by every held publication that becomes contiguous. Returns null when the
   * fill does not close the gap up to the first held publication.
   */
  List<FanoutMessage> fill(List<FanoutMessage> fromHistory) {
    List<FanoutMessage> out = new ArrayList<>();
    long expected = last;
    for (FanoutMessage m : fromHistory) {
      if (m.offset() <= expected) continue;
      if (m.offset() != expected + 1) break;
      out.add(m);
      expected = m.offset();
      if (held.containsKey(expected)) break;
    }
    if (held.isEmpty() || expected + 1 < held.firstKey()) return null;
    last = expected;
    drainContiguous(out);
    return out;
  }

  /**
   * A subscriber is known to be at {@code offset} of {@code epoch}: without a baseline yet, start
   * from there, so that a publication overtaking an earlier one (two nodes publishing at once) is
   * held for it instead of becoming the baseline. An existing baseline is never moved.
   */
  void seed(String epoch, long offset) {
    if (last >= 0 || epoch == null || epoch.isEmpty()) return;
    this.epoch = epoch;
    this.last = offset;
  }

  /** What a fill from history achieved. */
  enum FillStatus { FILLED, STALE, LOST }

  record Fill(FillStatus status, List<FanoutMessage> released) {}

  /**
   * Applies a history read made when the last released offset was {@code readFrom}. If it closes the
   * gap, the released publications come back (FILLED). If it does not, but publications were
   * released while the read was in flight, the read answered a gap that has since moved: STALE, read
   * again. Only a read that was current and still cannot close the gap proves a loss (LOST): history
   * no longer holds what is missing.
   */
  Fill fill(List<FanoutMessage> fromHistory, long readFrom) {
    List<FanoutMessage> released = fill(fromHistory);
    if (released != null) return new Fill(FillStatus.FILLED, released);
    return new Fill(last != readFrom ? FillStatus.STALE : FillStatus.LOST, List.of());
  }

  /** Forgets everything: the next publication becomes the new baseline. */
  void clear() {
    epoch = null;
    last = -1;
    held.clear();
  }

  private void reset(FanoutMessage baseline) {
    epoch = baseline.epoch();
    last = baseline.offset();
    held.clear();
  }

  private void drainContiguous(List<FanoutMessage> out) {
    while (!held.isEmpty() && held.firstKey() <= last + 1) {
      Map.Entry<Long, FanoutMessage> e = held.pollFirstEntry();
      if (e.getKey() == last + 1) {
        out.add(e.getValue());
        last = e.getKey();
      }
    }
  }
}
