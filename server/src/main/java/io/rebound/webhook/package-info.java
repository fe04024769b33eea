/**
 * Lifecycle webhooks: a node tells the backend ({@code webhook_endpoint}) about its connections'
 * connect, subscribe, unsubscribe and disconnect, in batches, in order per client, at least once, each
 * event with an id to de-duplicate on; and the disconnects of a node that dies are sent by another.
 *
 * <p>Parts: sessions report to a {@link io.rebound.webhook.LifecycleListener} (the {@link
 * io.rebound.webhook.WebhookService}); events wait in a bounded {@code EventBuffer}; the {@code
 * WebhookSender} posts them through a pooled Vert.x HTTP client ({@code WebhookClient}) and resends with
 * {@code Backoff}; each session's {@link io.rebound.webhook.SessionRecord} lives in a {@link
 * io.rebound.webhook.SessionLedger} (per engine, in the sub-packages) from connect until its disconnect
 * was delivered, which is what lets a survivor report a dead node's sessions ({@link
 * io.rebound.webhook.DeadNodeReport}).
 *
 * <p>Threading: the listener runs on the sessions' event loops and never blocks (a concurrent map, a
 * lock-free queue, a flag). Everything else runs on the webhook context ({@link
 * io.rebound.webhook.WebhookVerticle}), with blocking Hazelcast calls on worker threads.
 */
package io.rebound.webhook;
