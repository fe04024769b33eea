package io.rebound.recovery;

/**
 * Where a consumer of one channel stream stands, and what an arriving publication means for it:
 * the next one, a duplicate, a gap, or a publication of another epoch. The live-delivery side of
 * {@link Continuity}: per-subscription delivery, channel ordering and paced sync all classify
 * arrivals with it, so "is this the next publication?" has one answer.
 *
 * <p>Not thread-safe; each owner keeps it on its event loop. An empty epoch means "no position
 * yet": the first publication that arrives is classified {@link Step#EPOCH}.
 */
public final class StreamCursor {

  /** What an arriving publication is, relative to the cursor. */
  public enum Step {
    /** Exactly the next offset of the same epoch: deliver it (and {@link #accept} moved the cursor). */
    NEXT,
    /** At or below the cursor in the same epoch: already delivered, drop it. */
    DUPLICATE,
    /** Beyond the next offset: something in between is missing. */
    GAP,
    /** Another epoch: the stream was recreated, offsets are not comparable. */
    EPOCH
  }

  private String epoch;
  private long offset;

  public StreamCursor(String epoch, long offset) {
    moveTo(epoch, offset);
  }

  public String epoch() {
    return epoch;
  }

  public long offset() {
    return offset;
  }

  /** Puts the cursor at {@code offset} of {@code epoch} (after a recovery, a re-attach, a sync batch). */
  public void moveTo(String epoch, long offset) {
    if (offset < 0) throw new IllegalArgumentException("offset must be >= 0: " + offset);
    this.epoch = epoch == null ? "" : epoch;
    this.offset = offset;
  }

  /** Classifies a publication at {@code offset} of {@code epoch} without moving the cursor. */
  public Step classify(long offset, String epoch) {
    if (!this.epoch.equals(epoch)) return Step.EPOCH;
    if (offset <= this.offset) return Step.DUPLICATE;
    return offset == this.offset + 1 ? Step.NEXT : Step.GAP;
  }

  /** Classifies like {@link #classify} and, for {@link Step#NEXT}, advances the cursor to it. */
  public Step accept(long offset, String epoch) {
    Step step = classify(offset, epoch);
    if (step == Step.NEXT) this.offset = offset;
    return step;
  }

  @Override
  public String toString() {
    return offset + "@" + epoch;
  }
}
