/**
 * The one delivery checker of Rebound's fault tests and of the live verifier ({@code rebound-loadtest verify}).
 *
 * <p>What was observed goes in as {@link io.rebound.testing.verify.Observations} (usually collected with a thread-safe
 * {@link io.rebound.testing.verify.Recorder}): per channel the publications the server API acknowledged (payload id,
 * offset, epoch) and optionally a final history read; per subscriber every publication it received, in order, and every
 * subscribe result with its {@code wasRecovering}/{@code recovered} flags. {@link io.rebound.testing.verify.StreamChecker}
 * turns that into a {@link io.rebound.testing.verify.Verdict}: silent losses, duplicates, reorders, explicit losses
 * ({@code recovered: false}), acknowledged publications missing from history and offsets served with two payloads.
 *
 * <p>Pure code: no I/O, no clock, no threads (only the {@code Recorder} is shared between threads), so recorded
 * histories can be checked again later ({@link io.rebound.testing.verify.ObservationsJson}).
 */
package io.rebound.testing.verify;
