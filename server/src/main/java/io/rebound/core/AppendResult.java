package io.rebound.core;

/**
 * The outcome of an append.
 *
 * @param position offset given to the publication and the stream's epoch
 * @param duplicate true when the idempotency key was seen before: nothing was appended and
 *     {@code position} is the one of the first append with that key
 */
public record AppendResult(StreamPosition position, boolean duplicate) {}
