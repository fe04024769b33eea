package io.rebound.loadtest.common;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Supplier;

/** Runs work on a shard's own event loop, so its state needs no locks; a throw becomes a failed future. */
public final class OnContext {
  private OnContext() {}

  public static <T> Future<T> run(Context context, Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> {
      try {
        action.get().onComplete(result);
      } catch (RuntimeException e) {
        result.tryFail(e);
      }
    });
    return result.future();
  }
}
