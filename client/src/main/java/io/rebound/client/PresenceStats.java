package io.rebound.client;

/** Counts of a channel's presence. */
public record PresenceStats(int numClients, int numUsers) {}
