package io.rebound.engine.hazelcast;

import com.hazelcast.core.IndeterminateOperationStateException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Runs a Hazelcast map write that is idempotent (applying it twice leaves what applying it once leaves: a presence join
 * or leave, a monotonic sync-position advance) without letting the member-wide {@code
 * hazelcast.operation.fail.on.indeterminate.state} fail it. That property is there for history appends (cluster.xml:
 * an acknowledged append must be on two members); Hazelcast has no public way to set it per map or per call, so the
 * writes it does not concern undo its effect here:
 * <ul>
 *   <li><b>backup acks missed</b> (an {@link IndeterminateOperationStateException} of its own, no cause): the partition
 *       owner applied the write and answered; only the backup did not confirm within {@code
 *       hazelcast.operation.backup.timeout.millis} (a busy or paused member). Without the property Hazelcast reports it
 *       done, and so does this: the owner has it, and Hazelcast's backup anti-entropy ({@code
 *       hazelcast.partition.backup.sync.interval}) repairs a backup that really missed it.
 *   <li><b>the owner left before answering</b> (the exception wraps a cause, the {@code MemberLeftException}): the
 *       write may or may not have been applied. Without the property Hazelcast sends it again to the partition's new
 *       owner; so does this, up to {@value #ATTEMPTS} attempts in all, since a second application changes nothing.
 * </ul>
 * Anything else fails the write unchanged. Results come back on {@code context}.
 */
final class IdempotentWrites {

  /** How many times a write whose owner left is sent in all; members leaving faster than that is not a late ack. */
  static final int ATTEMPTS = 3;

  private IdempotentWrites() {}

  /** Runs {@code write} (called again for each attempt) and completes on {@code context} once it is applied. */
  static Future<Void> run(Context context, Supplier<? extends CompletionStage<?>> write) {
    return attempt(context, write, 1);
  }

  private static Future<Void> attempt(Context context, Supplier<? extends CompletionStage<?>> write, int attempt) {
    return Future.fromCompletionStage(write.get(), context).<Void>mapEmpty().recover(e -> switch (outcome(e)) {
      case APPLIED -> Future.succeededFuture();
      case UNKNOWN -> attempt < ATTEMPTS ? attempt(context, write, attempt + 1) : Future.failedFuture(e);
      case FAILED -> Future.failedFuture(e);
    });
  }

  /** What a failed write's {@code error} says about whether it was applied. */
  enum Outcome { APPLIED, UNKNOWN, FAILED }

  static Outcome outcome(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) e = e.getCause();
    if (!(e instanceof IndeterminateOperationStateException)) return Outcome.FAILED;
    // A copy made for the caller's stack trace wraps the original: the innermost one tells which case it is.
    while (e.getCause() instanceof IndeterminateOperationStateException) e = e.getCause();
    return e.getCause() == null ? Outcome.APPLIED : Outcome.UNKNOWN;
  }
}
