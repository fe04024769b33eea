package io.rebound.hazelcast;

import static io.rebound.testing.Await.failure;
import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.IndeterminateOperationStateException;
import com.hazelcast.core.MemberLeftException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The two shapes Hazelcast 5.3 gives an {@link IndeterminateOperationStateException} under {@code
 * fail.on.indeterminate.state} (a late backup ack: the exception alone; the owner leaving: it wraps a {@link
 * MemberLeftException}), and what {@link IdempotentWrites} does with each. {@code HazelcastPresenceLateBackupIT} and
 * {@code HazelcastLedgerLateBackupIT} make them happen on a real cluster.
 */
class IdempotentWritesTest {

  private static final Vertx VERTX = Vertx.vertx();
  private final Context context = VERTX.getOrCreateContext();

  @AfterAll
  static void close() {
    result(VERTX.close());
  }

  private static Throwable backupLate() {
    return new IndeterminateOperationStateException("Invocation{...} failed because backup acks missed.");
  }

  private static Throwable ownerLeft() {
    return new IndeterminateOperationStateException("indeterminate operation state", new MemberLeftException("member left"));
  }

  /** A write whose attempts end as {@code outcomes} say, in order (null, or none left: success); counts the attempts. */
  private static final class Scripted implements Supplier<CompletionStage<Object>> {
    final List<Throwable> outcomes;
    int attempts;

    Scripted(Throwable... outcomes) {
      this.outcomes = Arrays.asList(outcomes);
    }

    @Override
    public CompletionStage<Object> get() {
      Throwable next = attempts < outcomes.size() ? outcomes.get(attempts) : null;
      attempts++;
      return next == null ? CompletableFuture.completedFuture("done") : CompletableFuture.failedFuture(next);
    }
  }

  @Test
  void aLateBackupAckCountsAsAppliedWithoutSendingTheWriteAgain() {
    Scripted write = new Scripted(backupLate());
    result(IdempotentWrites.run(context, write));
    assertThat(write.attempts).isEqualTo(1);
  }

  @Test
  void theCopyHazelcastMakesForTheCallersStackIsSeenThrough() {
    Throwable copied = new CompletionException(new IndeterminateOperationStateException("copy", backupLate()));
    assertThat(IdempotentWrites.outcome(copied)).isEqualTo(IdempotentWrites.Outcome.APPLIED);
    Throwable copiedLeft = new IndeterminateOperationStateException("copy", ownerLeft());
    assertThat(IdempotentWrites.outcome(copiedLeft)).isEqualTo(IdempotentWrites.Outcome.UNKNOWN);
  }

  @Test
  void aWriteWhoseOwnerLeftIsSentAgain() {
    Scripted write = new Scripted(ownerLeft(), null);
    result(IdempotentWrites.run(context, write));
    assertThat(write.attempts).isEqualTo(2);
  }

  @Test
  void ownersLeavingOnEveryAttemptFailTheWriteAfterTheLastOne() {
    Scripted write = new Scripted(ownerLeft(), ownerLeft(), ownerLeft(), null);
    assertThat(failure(IdempotentWrites.run(context, write))).isInstanceOf(IndeterminateOperationStateException.class);
    assertThat(write.attempts).isEqualTo(IdempotentWrites.ATTEMPTS);
  }

  @Test
  void anyOtherFailureFailsTheWriteAtOnce() {
    for (Throwable other : List.of(new IllegalStateException("refused"), new CompletionException(new IllegalArgumentException("bad")))) {
      Scripted write = new Scripted(other, null);
      assertThat(failure(IdempotentWrites.run(context, write))).isNotNull();
      assertThat(write.attempts).isEqualTo(1);
    }
  }

  @Test
  void aWriteSentOnceSucceedsOnALateBackupAckAndFailsWhenItsOwnerLeft() {
    result(IdempotentWrites.runOnce(context, CompletableFuture.failedFuture(backupLate())));
    result(IdempotentWrites.runOnce(context, CompletableFuture.completedFuture("done")));
    assertThat(failure(IdempotentWrites.runOnce(context, CompletableFuture.failedFuture(ownerLeft()))))
        .isInstanceOf(IndeterminateOperationStateException.class).hasCauseInstanceOf(MemberLeftException.class);
    assertThat(failure(IdempotentWrites.runOnce(context, CompletableFuture.failedFuture(new IllegalStateException("refused")))))
        .hasMessage("refused");
  }

  @Test
  void resultsComeBackOnTheCallersContext() throws Exception {
    CompletableFuture<Context> seen = new CompletableFuture<>();
    IdempotentWrites.run(context, new Scripted(backupLate())).onComplete(ar -> seen.complete(Vertx.currentContext()));
    assertThat(seen.get(10, TimeUnit.SECONDS)).isSameAs(context);
  }
}
