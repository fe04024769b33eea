package io.rebound.engine.redis;

/**
 * Redis could not be reached or did not answer in time. The operation may or may not have been
 * applied (a command that timed out may still run); callers treat it as a transient failure and
 * retry later, with an idempotency key where a double append matters.
 */
public final class RedisUnavailableException extends RuntimeException {

  public RedisUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public RedisUnavailableException(String message) {
    super(message);
  }
}
