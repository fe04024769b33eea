package io.rebound.edge;

import io.rebound.engine.FanoutMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.rebound.recovery.StreamCursor;

/**
 * Puts one channel's publications back in offset order on this edge. Publications from different
 * publishers (nodes) may arrive out of order; one that comes ahead of a gap is held until the gap
 * closes, is filled from history, or is declared lost. Where the channel stands is a {@link
 * StreamCursor}, the same rule per-subscription delivery applies. Pure logic, event-loop confined.
 */
final class ChannelOrder {

  /** The most publications held behind a gap before it is treated as unfillable. */
  static final int MAX_HELD = 1024;

  private StreamCursor released; // the last publication released; null = no baseline yet
  private final TreeMap<Long, FanoutMessage> held = new TreeMap<>();

  /** What {@link #offer} decided. */
  enum Verdict { RELEASED, HELD, DUPLICATE, EPOCH_CHANGED, OVERFLOW }

  record Outcome(Verdict verdict, List<FanoutMessage> release) {}

  Outcome offer(FanoutMessage msg) {
    if (msg.offset() == 0) return new Outcome(Verdict.RELEASED, List.of(msg)); // not stored: no order to keep
    if (released == null) {
      reset(msg);
      return new Outcome(Verdict.RELEASED, List.of(msg));
    }
    switch (released.accept(msg.offset(), msg.epoch())) {
      case EPOCH -> {
        reset(msg);
        return new Outcome(Verdict.EPOCH_CHANGED, List.of(msg));
      }
      case DUPLICATE -> {
        return new Outcome(Verdict.DUPLICATE, List.of());
      }
      case NEXT -> {
        List<FanoutMessage> out = new ArrayList<>(1 + held.size());
        out.add(msg);
        drainContiguous(out);
        return new Outcome(Verdict.RELEASED, out);
      }
      default -> { // GAP
        if (held.putIfAbsent(msg.offset(), msg) != null) return new Outcome(Verdict.DUPLICATE, List.of());
        if (held.size() > MAX_HELD) return new Outcome(Verdict.OVERFLOW, List.of());
        return new Outcome(Verdict.HELD, List.of());
      }
    }
  }

  boolean hasGap() {
    return !held.isEmpty();
  }

  long lastReleased() {
    return released == null ? -1 : released.offset();
  }

  String epoch() {
    return released == null ? null : released.epoch();
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
    StreamCursor expected = new StreamCursor(released.epoch(), released.offset());
    for (FanoutMessage m : fromHistory) {
      StreamCursor.Step step = expected.accept(m.offset(), m.epoch());
      if (step == StreamCursor.Step.DUPLICATE) continue;
      if (step != StreamCursor.Step.NEXT) break;
      out.add(m);
      if (held.containsKey(m.offset())) break;
    }
    if (held.isEmpty() || expected.offset() + 1 < held.firstKey()) return null;
    released = expected;
    drainContiguous(out);
    return out;
  }

  /**
   * A subscriber is known to be at {@code offset} of {@code epoch}: without a baseline yet, start
   * from there, so that a publication overtaking an earlier one (two nodes publishing at once) is
   * held for it instead of becoming the baseline. An existing baseline is never moved.
   */
  void seed(String epoch, long offset) {
    if (released != null || epoch == null || epoch.isEmpty()) return;
    released = new StreamCursor(epoch, offset);
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
    List<FanoutMessage> out = fill(fromHistory);
    if (out != null) return new Fill(FillStatus.FILLED, out);
    return new Fill(lastReleased() != readFrom ? FillStatus.STALE : FillStatus.LOST, List.of());
  }

  /** Forgets everything: the next publication becomes the new baseline. */
  void clear() {
    released = null;
    held.clear();
  }

  private void reset(FanoutMessage baseline) {
    released = new StreamCursor(baseline.epoch(), baseline.offset());
    held.clear();
  }

  /** Moves every held publication that is now next (or already behind) out of the hold, releasing the next ones. */
  private void drainContiguous(List<FanoutMessage> out) {
    while (!held.isEmpty()) {
      StreamCursor.Step step = released.classify(held.firstKey(), released.epoch());
      if (step == StreamCursor.Step.GAP) return;
      Map.Entry<Long, FanoutMessage> e = held.pollFirstEntry();
      if (step == StreamCursor.Step.NEXT) {
        released.accept(e.getKey(), released.epoch());
        out.add(e.getValue());
      }
    }
  }
}
