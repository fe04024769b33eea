package io.rebound.loadtest.fanout;

import io.rebound.auth.JwtSigner;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.IntFunction;

/**
 * Fan-out benchmark: N WebSocket subscribers on one channel, a publisher posting M publications through
 * the HTTP API with W in flight; reports deliveries/s and publish→deliver latency per round and the median.
 *
 * <p>Exit codes: 0 ok, 1 the benchmark could not run (connect/subscribe error...), 2 bad options,
 * 3 {@code --strict} and something was lost, duplicated or failed to publish.
 */
public final class FanoutBenchmark {

  private final BenchOptions options;
  private final Vertx vertx;

  private FanoutBenchmark(BenchOptions options, Vertx vertx) {
    this.options = options;
    this.vertx = vertx;
  }

  public static void main(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (options.printTokenUser() != null) {
      System.out.println(new JwtSigner(options.secret()).connectionToken(options.printTokenUser(), BenchOptions.TOKEN_TTL_SECONDS));
      return;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.eventLoops()));
    int code;
    try {
      code = new FanoutBenchmark(options, vertx).execute();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
    System.exit(code);
  }

  private int execute() {
    List<RunResult> results;
    try {
      results = runAll().toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      System.err.println("benchmark failed: " + e.getCause().getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    if (results.size() > 1 || options.json()) {
      System.out.println(options.json() ? BenchReport.summary(results).encode() : BenchReport.humanSummary(results));
    }
    boolean clean = results.stream().allMatch(RunResult::clean);
    return options.strict() && !clean ? 3 : 0;
  }

  /** Opens the subscribers once, then measures {@code runs} rounds on them, one after the other. */
  private Future<List<RunResult>> runAll() {
    PublisherLoop publisher = new PublisherLoop(vertx, options.apis(), options.apiKey(), options.channel(),
        options.inflight(), options.payloadBytes(), options.timeoutSeconds());
    log("opening %d subscribers on %s (%d at a time, %d event loops)", options.subscribers(), options.urls(),
        options.connectConcurrency(), options.eventLoops());
    long t0 = System.nanoTime();
    Future<SubscriberPool> opened = SubscriberPool.open(vertx, options.eventLoops(), options.urls(), tokens(),
        options.channel(), options.subscribers(), options.connectConcurrency(), options.timeoutSeconds(), this::progress);
    return opened.compose(pool -> {
      log("%d subscribers ready in %.1f s; publishing %d x %d to %s (%d in flight)", options.subscribers(),
          (System.nanoTime() - t0) / 1e9, options.runs(), options.publications(), options.apis(), options.inflight());
      List<RunResult> results = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (int r = 0; r < options.runs(); r++) {
        RunSpec spec = RunSpec.of(r, options.publications());
        chain = chain.compose(v -> runOnce(pool, publisher, spec)).map(result -> {
          results.add(result);
          System.out.println(options.json() ? BenchReport.json(result).encode() : BenchReport.human(result));
          return null;
        });
      }
      return chain.map(v -> (List<RunResult>) results).eventually(pool::close);
    }).eventually(publisher::close);
  }

  private Future<RunResult> runOnce(SubscriberPool pool, PublisherLoop publisher, RunSpec spec) {
    return pool.arm(spec)
        .compose(v -> publisher.run(spec))
        .compose(pub -> awaitDeliveries(pool)
            .compose(v -> pool.collect())
            .map(stats -> RunResult.of(spec, options.subscribers(), pub, stats)));
  }

  /** Completes when everything arrived or {@code --timeout} seconds after publishing ended, whichever is first. */
  private Future<Void> awaitDeliveries(SubscriberPool pool) {
    Promise<Void> timedOut = Promise.promise();
    long timer = vertx.setTimer(options.timeoutSeconds() * 1000L, id -> timedOut.tryComplete());
    return Future.any(pool.allDelivered(), timedOut.future())
        .onComplete(ar -> vertx.cancelTimer(timer))
        .mapEmpty();
  }

  private IntFunction<String> tokens() {
    if (options.token() != null) return i -> options.token();
    JwtSigner signer = new JwtSigner(options.secret());
    return i -> signer.connectionToken("bench-" + i, BenchOptions.TOKEN_TTL_SECONDS);
  }

  private void progress(int done, int total) {
    int step = Math.max(1000, total / 10);
    if (done % step == 0 && done != total) log("  %d/%d subscribers ready", done, total);
  }

  private void log(String format, Object... args) {
    if (!options.json()) System.err.println(String.format(format, args));
  }
}
