package io.rebound.hazelcast;

import com.hazelcast.core.IndeterminateOperationStateException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Runs a Hazelcast map write whose outcome the caller knows how to judge without letting the member-wide {@code
 * hazelcast.operation.fail.on.indeterminate.state} fail it. That property is there for history appends (cluster.xml:
 * an acknowledged append must be on two members); Hazelcast has no public way to set it per map or per call, so the
 * writes it does not concern undo its effect here. A failed write is one of three cases:
 * <ul>
 *   <li><b>backup acks missed</b> (an {@link IndeterminateOperationStateException} of its own, no cause): the partition
 *       owner applied the write and answered; only the backup did not confirm within {@code
 *       hazelcast.operation.backup.timeout.millis} (a busy or paused member). Without the property Hazelcast reports it
 *       done, and so do both methods here: the owner has it, and Hazelcast's backup anti-entropy ({@code
 *       hazelcast.partition.backup.sync.interval}) repairs a backup that really missed it.
 *   <li><b>the owner left before answering</b> (the exception wraps a cause, the {@code MemberLeftException}): the
 *       write may or may not have been applied. Without the property Hazelcast sends it again to the partition's new
 *       owner. {@link #run} does so too, up to {@value #ATTEMPTS} attempts in all; {@link #runOnce} fails it.
 *   <li>anything else: the write fails unchanged.
 * </ul>
 * Which method a write takes depends on what else writes its key. Sending a write again is only safe when applying
 * it late — after a newer write of the same key — leaves what applying it in order leaves: a monotonic advance, or a
 * remove of a key that nothing writes again ({@link #run}). A write that a newer write of its key may follow (a record
 * replaced as it changes, then removed) must not overtake that one on a resend; its caller writes the latest value
 * again instead ({@link #runOnce}). Results come back on {@code context}.
 */
public final class IdempotentWrites {

  /** How many times {@link #run} sends a write whose owner left, in all; members leaving faster than that is not a late ack. */
  public static final int ATTEMPTS = 3;

  private IdempotentWrites() {}

  /**
   * Runs {@code write} (called again for each attempt) and completes on {@code context} once it is applied: a late
   * backup ack counts as applied, a write whose owner left is sent again. Only for writes that may be applied late
   * (see the class comment).
   */
  public static Future<Void> run(Context context, Supplier<? extends CompletionStage<?>> write) {
    return attempt(() -> Future.fromCompletionStage(write.get(), context), 1);
  }

  /** As {@link #run(Context, Supplier)}, for a write that reports as a Vert.x future (Vert.x's own, for instance). */
  public static Future<Void> run(Supplier<? extends Future<?>> write) {
    return attempt(write, 1);
  }

  /**
   * Completes on {@code context} when {@code write} succeeded or only its backup ack was late; fails when its owner
   * left (the caller decides what to send again) or on anything else.
   */
  public static Future<Void> runOnce(Context context, CompletionStage<?> write) {
    return Future.fromCompletionStage(write, context).<Void>mapEmpty()
        .recover(e -> outcome(e) == Outcome.APPLIED ? Future.succeededFuture() : Future.failedFuture(e));
  }

  private static Future<Void> attempt(Supplier<? extends Future<?>> write, int attempt) {
    return write.get().<Void>mapEmpty().recover(e -> switch (outcome(e)) {
      case APPLIED -> Future.succeededFuture();
      case UNKNOWN -> attempt < ATTEMPTS ? attempt(write, attempt + 1) : Future.failedFuture(e);
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
