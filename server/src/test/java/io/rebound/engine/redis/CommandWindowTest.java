package io.rebound.engine.redis;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class CommandWindowTest {

  /** Runs {@code action} on {@code context} and waits for it. */
  private static <T> T on(Context context, Supplier<T> action) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> done.complete(action.get()));
    return result(done.future());
  }

  @Test
  void commandsAreSentInOrderAndNoMoreThanTheWindowAwaitReplies(Vertx vertx) {
    Context context = vertx.getOrCreateContext();
    CommandWindow window = new CommandWindow(context, 3);
    List<Integer> sent = new CopyOnWriteArrayList<>();
    List<Promise<Integer>> replies = new CopyOnWriteArrayList<>();
    List<Future<Integer>> outcomes = on(context, () -> {
      List<Future<Integer>> out = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        int n = i;
        out.add(window.submit(() -> {
          sent.add(n);
          Promise<Integer> reply = Promise.promise();
          replies.add(reply);
          return reply.future();
        }));
      }
      return out;
    });
    assertThat(sent).containsExactly(0, 1, 2);
    assertThat(on(context, window::pending)).isEqualTo(10);

    // Replies out of order: each frees one place, and the next waiting command goes out, in order.
    replies.get(1).complete(1);
    Await.until("command 3 sent", Duration.ofSeconds(10), () -> sent.size() == 4);
    assertThat(sent).containsExactly(0, 1, 2, 3);
    replies.get(0).fail("boom");
    Await.until("command 4 sent", Duration.ofSeconds(10), () -> sent.size() == 5);
    for (int i = 2; i < 10; i++) {
      int n = i;
      Await.until("command " + n + " sent", Duration.ofSeconds(10), () -> replies.size() > n);
      replies.get(n).complete(n);
    }
    assertThat(sent).containsExactlyElementsOf(IntStream.range(0, 10).boxed().toList());
    assertThat(result(outcomes.get(9))).isEqualTo(9);
    assertThat(Await.failure(outcomes.get(0))).hasMessage("boom");
    assertThat(on(context, window::pending)).isZero();
  }

  @Test
  void aCommandThatThrowsFailsItsOwnOutcomeOnly(Vertx vertx) {
    Context context = vertx.getOrCreateContext();
    CommandWindow window = new CommandWindow(context, 1);
    List<Future<String>> outcomes = on(context, () -> List.of(
        window.submit(() -> { throw new IllegalStateException("bad request"); }),
        window.submit(() -> Future.succeededFuture("next"))));
    assertThat(Await.failure(outcomes.get(0))).hasMessage("bad request");
    assertThat(result(outcomes.get(1))).isEqualTo("next");
  }
}
