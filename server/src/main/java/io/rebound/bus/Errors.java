package io.rebound.bus;

import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The one mapping from a failed operation to the protocol error a client or backend sees. A
 * {@link ProtocolException} passes unchanged; a consumer on the event bus that failed with a
 * protocol code (100–199) keeps it across the hop; anything else — an engine that is down, a timeout,
 * a bug — is 100 "internal server error", which is temporary, so SDKs retry instead of giving up.
 * Callers log the unexpected cause themselves, once, where they know the context.
 */
public final class Errors {
  private Errors() {}

  public static ProtocolException toProtocol(Throwable cause) {
    if (cause instanceof ProtocolException pe) return pe;
    if (cause instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && re.failureCode() >= 100 && re.failureCode() < 200) {
      return ErrorCode.ofCode(re.failureCode()).exception();
    }
    return ErrorCode.INTERNAL.exception();
  }

  /** {@link #toProtocol} as a failed future, for {@code Future.recover}. */
  public static <T> Future<T> failed(Throwable cause) {
    return Future.failedFuture(toProtocol(cause));
  }

  /** Whether {@code cause} is an expected protocol outcome (not worth a log line of its own). */
  public static boolean expected(Throwable cause) {
    return cause instanceof ProtocolException
        || cause instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() >= 100 && re.failureCode() < 200;
  }
}
