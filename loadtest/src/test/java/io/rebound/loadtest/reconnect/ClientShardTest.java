package io.rebound.loadtest.reconnect;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The simulated clients are spread over the tool's event loops (--event-loops), not all on one. */
class ClientShardTest {

  @Test
  void shardsCreatedFromOneThreadRunOnDifferentEventLoops() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(3));
    try {
      MassReconnectOptions options = new MassReconnectOptions();
      Set<String> threads = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        ClientShard shard = new ClientShard(vertx, "ws://127.0.0.1:1/connection/websocket", new ReconnectStats(), options);
        threads.add(threadOf(shard.context()));
        shard.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      assertThat(threads).hasSize(3);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static String threadOf(Context context) throws Exception {
    CompletableFuture<String> name = new CompletableFuture<>();
    context.runOnContext(v -> name.complete(Thread.currentThread().getName()));
    return name.get(10, TimeUnit.SECONDS);
  }
}
