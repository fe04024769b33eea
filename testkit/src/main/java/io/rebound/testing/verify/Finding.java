package io.rebound.testing.verify;

import java.util.List;

/**
 * One problem (or one explained gap) found by {@link StreamChecker}.
 *
 * @param kind what was found
 * @param channel the channel
 * @param subscriber the subscriber it concerns, or null for a finding about the channel itself (history, acks)
 * @param count how many publications it concerns
 * @param detail one sentence for a human, naming what happened
 * @param samples the first few publications concerned ({@code "offset 12 (payload 12)"}), at most {@link #MAX_SAMPLES}
 */
public record Finding(Kind kind, String channel, String subscriber, long count, String detail, List<String> samples) {

  /** Samples kept per finding: enough to look the publications up, bounded however large the loss. */
  public static final int MAX_SAMPLES = 10;

  public Finding {
    samples = List.copyOf(samples.size() > MAX_SAMPLES ? samples.subList(0, MAX_SAMPLES) : samples);
  }

  /** The kinds of finding, each with whether it breaks Rebound's promise. */
  public enum Kind {
    /** An acknowledged publication a subscriber should have received and did not, without being told. */
    SILENT_LOSS(true, "silent losses"),
    /** A publication handed to one subscriber twice, or acknowledged at two offsets. */
    DUPLICATE(true, "duplicates"),
    /** A publication handed over after one with a higher offset. */
    REORDER(true, "reorders"),
    /** {@code recovered: false}: publications were missed and the subscriber was told (the app reloads its state). */
    EXPLICIT_LOSS(false, "explicit losses (recovered:false)"),
    /** An acknowledged publication of the current epoch that history does not hold although it holds its neighbours. */
    MISSING_FROM_HISTORY(true, "acknowledged but missing from history"),
    /** One offset of one epoch seen with two different payloads (history rewritten). */
    CONFLICTING_PAYLOADS(true, "offsets served with two payloads"),
    /**
     * Acknowledged publications of an epoch the stream left that history no longer holds (history lost and restarted;
     * subscribers are told). Those a new epoch carried over are not counted.
     */
    EPOCH_RESET(false, "acknowledged in an epoch the stream left, gone from history");

    private final boolean defect;
    private final String label;

    Kind(boolean defect, String label) {
      this.defect = defect;
      this.label = label;
    }

    /** Whether this breaks the promise "nothing is ever skipped, repeated or reordered silently". */
    public boolean defect() {
      return defect;
    }

    /** A plural label for reports ("silent losses"). */
    public String label() {
      return label;
    }

    /** The name used in JSON ({@code silent_loss}). */
    public String jsonName() {
      return name().toLowerCase();
    }
  }

  /** One line for a console: kind, where, how many, what. */
  public String describe() {
    return String.format("%s %s%s: %d — %s%s", kind.jsonName(), channel, subscriber == null ? "" : " [" + subscriber + "]", count, detail,
        samples.isEmpty() ? "" : " e.g. " + String.join(", ", samples));
  }
}
