/**
 * The webhook ledger for {@code engine: hazelcast}: a session map per member, and the oldest member
 * reporting the sessions of members that left or died.
 */
package io.rebound.webhook.hazelcast;
