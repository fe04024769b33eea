package io.rebound.recovery;

import io.rebound.core.Publication;
import io.rebound.core.StreamPosition;
import java.util.List;

/**
 * The answer to a {@link RecoveryRequest}.
 *
 * @param recovered true only when {@code publications} plus the client's state equal the whole stream
 *     up to {@code top}: no gap, same epoch
 * @param publications the missed publications in offset order (empty unless recovered)
 * @param top the stream position at the time of the read
 */
public record RecoveryResult(boolean recovered, List<Publication> publications, StreamPosition top) {}
