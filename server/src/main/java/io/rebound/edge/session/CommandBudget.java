package io.rebound.edge.session;

import io.rebound.config.LimitOptions;
import io.rebound.protocol.ErrorCode;

/**
 * One connection's share of the node (README, "Limits"): a token bucket for its publishes
 * ({@code client_publish_rate} per second, {@code client_publish_burst} at once) and a count of its
 * commands waiting for an answer ({@code client_commands_in_flight}). Over either, the command is
 * answered 111 "too many requests" at once and costs nothing further: the connection stays open and
 * no other connection waits for it (nothing is queued, nothing blocks).
 *
 * <p>Created on a connection's first publish, history or presence command, so idle connections pay
 * nothing. Confined to the session's event loop.
 */
final class CommandBudget {

  private final int rate;
  private final int burst;
  private final int maxInFlight;
  private double tokens;
  private long refilledAt;
  private int inFlight;

  CommandBudget(LimitOptions limits, long nowNanos) {
    this.rate = limits.clientPublishRate();
    this.burst = limits.clientPublishBurst();
    this.maxInFlight = limits.clientCommandsInFlight();
    this.tokens = burst;
    this.refilledAt = nowNanos;
  }

  /** Takes one publish from the bucket, or throws 111 when it is empty. */
  void takePublish(long nowNanos) {
    if (rate <= 0) return;
    tokens = Math.min(burst, tokens + (nowNanos - refilledAt) * (rate / 1e9));
    refilledAt = nowNanos;
    if (tokens < 1) throw ErrorCode.TOO_MANY_REQUESTS.exception();
    tokens -= 1;
  }

  /** Counts a command that will be answered later ({@link #answered} when it is), or throws 111 when too many wait already. */
  void startCommand() {
    if (maxInFlight > 0 && inFlight >= maxInFlight) throw ErrorCode.TOO_MANY_REQUESTS.exception();
    inFlight++;
  }

  /** A command counted by {@link #startCommand} got its answer (or its connection closed). */
  void answered() {
    if (inFlight > 0) inFlight--;
  }

  int inFlight() {
    return inFlight;
  }
}
