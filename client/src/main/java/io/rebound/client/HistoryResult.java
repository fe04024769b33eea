package io.rebound.client;

import java.util.List;

/** A history page: the publications and the stream's current top position (not the last returned publication's). */
public record HistoryResult(List<Publication> publications, StreamPosition top) {}
