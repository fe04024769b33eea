/**
 * Hazelcast support shared by the parts that keep state in Hazelcast — the engine ({@code engine.hazelcast}) and the
 * webhook ledger ({@code webhook.hazelcast}) — so that neither depends on the other: how a map write survives the
 * member-wide cluster.xml settings ({@link io.rebound.hazelcast.IdempotentWrites}). It knows nothing of Rebound's other
 * packages (ArchitectureTest: a leaf, never a back door between the two).
 */
package io.rebound.hazelcast;
