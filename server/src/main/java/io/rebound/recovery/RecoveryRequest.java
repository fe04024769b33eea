package io.rebound.recovery;

import io.rebound.core.StreamOptions;
import io.rebound.core.StreamPosition;

/**
 * "What did I miss on {@code channel} since {@code since}?" — or, with {@code since == null}, only
 * "where is the stream now?" for a subscriber that is not recovering.
 *
 * @param maxPublications the most publications a recovery may replay; more missed means not recovered
 */
public record RecoveryRequest(String channel, StreamPosition since, StreamOptions options, int maxPublications) {}
