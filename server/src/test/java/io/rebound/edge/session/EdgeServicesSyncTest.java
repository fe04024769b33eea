package io.rebound.edge.session;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.core.StreamPosition;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.rebound.engine.memory.MemorySyncPositions;
import io.rebound.engine.SyncPositionStore;
import io.rebound.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The edge's sync position calls: results on the caller's context whatever thread the store uses; failures as INTERNAL. */
@ExtendWith(VertxExtension.class)
class EdgeServicesSyncTest {

  private final ExecutorService foreign = Executors.newSingleThreadExecutor(r -> new Thread(r, "foreign-store-thread"));

  @AfterEach
  void stop() {
    foreign.shutdownNow();
  }

  /** A memory store whose futures complete on a thread that is not Vert.x's, as Hazelcast's and Redis' may. */
  private SyncPositionStore offThread() {
    MemorySyncPositions memory = new MemorySyncPositions();
    return new SyncPositionStore() {
      @Override
      public Future<StreamPosition> get(String channel, String user) {
        return later(() -> memory.get(channel, user));
      }

      @Override
      public Future<Void> advance(String channel, String user, StreamPosition position, Duration ttl) {
        return later(() -> memory.advance(channel, user, position, ttl));
      }

      private <T> Future<T> later(Supplier<Future<T>> call) {
        Promise<T> promise = Promise.promise();
        foreign.execute(() -> call.get().onComplete(promise));
        return promise.future();
      }
    };
  }

  private static EdgeServices services(Vertx vertx, SyncPositionStore store) {
    return new EdgeServices(vertx, null, null, null, null, store, null, null, null);
  }

  @Test
  void resultsArriveOnTheCallersContext(Vertx vertx) {
    EdgeServices services = services(vertx, offThread());
    Context caller = vertx.getOrCreateContext();
    CompletableFuture<Object[]> seen = new CompletableFuture<>();
    caller.runOnContext(v -> services.advanceSync("ch", "alice", new StreamPosition(4, "e"), Duration.ofMinutes(1))
        .compose(ignored -> {
          if (Vertx.currentContext() != caller) seen.completeExceptionally(new AssertionError("advance completed off context"));
          return services.syncPosition("ch", "alice");
        })
        .onComplete(ar -> seen.complete(new Object[] {Vertx.currentContext(), ar.result(), ar.cause()})));
    Object[] out = result(Future.fromCompletionStage(seen), 10);
    assertThat(out[0]).isSameAs(caller);
    assertThat(out[2]).isNull();
    assertThat(out[1]).isEqualTo(new StreamPosition(4, "e"));
  }

  @Test
  void storeFailuresBecomeInternalErrors(Vertx vertx) {
    SyncPositionStore broken = new SyncPositionStore() {
      @Override
      public Future<StreamPosition> get(String channel, String user) {
        return Future.failedFuture(new IllegalStateException("store down"));
      }

      @Override
      public Future<Void> advance(String channel, String user, StreamPosition position, Duration ttl) {
        throw new IllegalStateException("thrown, not returned");
      }
    };
    EdgeServices services = services(vertx, broken);
    for (Throwable t : new Throwable[] {
        Await.failure(services.syncPosition("ch", "alice")),
        Await.failure(services.advanceSync("ch", "alice", new StreamPosition(1, "e"), Duration.ZERO))}) {
      assertThat(t).isInstanceOf(ProtocolException.class);
      assertThat(((ProtocolException) t).error()).isEqualTo(ErrorCode.INTERNAL);
    }
  }
}
