package io.rebound.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClientContextTest {

  static Vertx vertx;
  static ClientContext ctx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    ctx = new ClientContext(vertx, vertx.getOrCreateContext());
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  @Test
  void runFromAnotherThreadHopsOntoTheContextAndOnItRunsAtOnce() {
    Promise<Boolean> ranInline = Promise.promise();
    ctx.run(() -> {
      assertThat(Vertx.currentContext()).isSameAs(ctx.context);
      boolean[] inline = {false};
      ctx.run(() -> inline[0] = true);
      ranInline.complete(inline[0]);
    });
    assertThat(Await.result(ranInline.future())).isTrue();
  }

  @Test
  void aZeroDelayTimerFiresOnTheContext() {
    Promise<Context> firedOn = Promise.promise();
    ctx.run(() -> ctx.timer(0, () -> firedOn.complete(Vertx.currentContext())));
    assertThat(Await.result(firedOn.future())).isSameAs(ctx.context);
  }

  @Test
  void aCancelledTimerNeverFires() {
    Promise<String> first = Promise.promise();
    ctx.run(() -> {
      long cancelled = ctx.timer(1, () -> first.tryComplete("cancelled timer"));
      assertThat(ctx.cancel(cancelled)).isEqualTo(-1);
      assertThat(ctx.cancel(-1)).isEqualTo(-1);
      ctx.timer(50, () -> first.tryComplete("later timer"));
    });
    assertThat(Await.result(first.future())).isEqualTo("later timer");
  }

  @Test
  void aThrowingListenerIsSkippedAndTheOthersStillHearTheEvent() {
    List<String> heard = new ArrayList<>();
    List<Consumer<String>> listeners = List.of(heard::add, e -> { throw new IllegalStateException("listener bug"); }, e -> heard.add(e + "!"));
    ctx.emit(listeners, l -> l.accept("event"), "test");
    assertThat(heard).containsExactly("event", "event!");
  }
}
