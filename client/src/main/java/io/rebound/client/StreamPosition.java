package io.rebound.client;

/**
 * A position in a channel's stream: the {@code offset} of the last publication (publications are numbered 1, 2, 3, …)
 * within an {@code epoch}. A new epoch means the stream was reset (history lost), so offsets of two epochs are not
 * comparable and no recovery can bridge them.
 */
public record StreamPosition(long offset, String epoch) {
  public StreamPosition {
    epoch = epoch == null ? "" : epoch;
  }
}
