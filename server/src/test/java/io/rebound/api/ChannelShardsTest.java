package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChannelShardsTest {

  private final Vertx vertx = Vertx.vertx();
  private final ChannelShards shards = new ChannelShards(vertx, 4);

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  @Test
  void aChannelAlwaysRunsOnTheSameThreadAndTheAnswerComesBackOnTheCallersContext() {
    ContextInternal caller = ((VertxInternal) vertx).createEventLoopContext();
    CopyOnWriteArrayList<Thread> ran = new CopyOnWriteArrayList<>();
    CopyOnWriteArrayList<Boolean> answeredOnCaller = new CopyOnWriteArrayList<>();
    Promise<Void> done = Promise.promise();
    caller.runOnContext(v -> {
      Future<?>[] all = new Future<?>[50];
      for (int i = 0; i < all.length; i++) {
        all[i] = shards.run("news:x", shard -> {
          ran.add(Thread.currentThread());
          return Future.succeededFuture(shard);
        }).onComplete(ar -> answeredOnCaller.add(ContextInternal.current() == caller));
      }
      Future.all(java.util.List.of(all)).<Void>mapEmpty().onComplete(done);
    });
    Await.result(done.future());
    assertThat(ran).hasSize(50).containsOnly(ran.get(0));
    assertThat(answeredOnCaller).hasSize(50).containsOnly(true);
  }

  @Test
  void aCallerOnTheShardsThreadRunsInline() {
    String channel = "news:inline";
    Thread shardThread = Await.result(shards.run(channel, shard -> Future.succeededFuture(Thread.currentThread())));
    Promise<Boolean> inline = Promise.promise();
    // A context on the shard's loop: run() must not hop (the action runs before run() returns).
    ContextInternal sameLoop = ((VertxInternal) vertx).createEventLoopContext();
    while (!sameLoop.nettyEventLoop().inEventLoop(shardThread)) sameLoop = ((VertxInternal) vertx).createEventLoopContext();
    sameLoop.runOnContext(v -> {
      boolean[] ran = {false};
      shards.run(channel, shard -> {
        ran[0] = true;
        return Future.succeededFuture();
      });
      inline.complete(ran[0]);
    });
    assertThat(Await.result(inline.future())).isTrue();
  }

  @Test
  void anActionThatThrowsIsAFailedAnswer() {
    Future<Object> answer = shards.run("news:boom", shard -> {
      throw new IllegalStateException("boom");
    });
    assertThat(Await.failure(answer)).hasMessage("boom");
  }

  @Test
  void shardsSpreadChannelsAndStayFixed() {
    java.util.Set<Integer> used = new java.util.HashSet<>();
    for (int i = 0; i < 100; i++) {
      String channel = "chat:" + i;
      used.add(shards.shardOf(channel));
      assertThat(shards.shardOf(channel)).isEqualTo(shards.shardOf(new String(channel)));
    }
    assertThat(used).containsExactlyInAnyOrder(0, 1, 2, 3);
  }
}
