/**
 * The live verifier ({@code java -jar rebound-loadtest.jar verify}): an operator points it at a running cluster while
 * they restart nodes or reload their balancer; it publishes numbered publications on several channels, real SDK
 * clients ({@code io.rebound.client}) record everything they get, and the shared checker
 * ({@code io.rebound.testing.verify.StreamChecker}) says whether anything was lost, duplicated or reordered silently.
 * Knows nothing of the server's internals: it talks to the client port only (WebSocket and HTTP API).
 */
package io.rebound.loadtest.verify;
