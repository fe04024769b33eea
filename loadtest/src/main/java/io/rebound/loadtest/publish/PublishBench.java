package io.rebound.loadtest.publish;

import io.rebound.loadtest.common.Stats;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Publish API throughput: {@code POST <api>/publish} with W requests in flight (one keep-alive HTTP
 * connection each), nobody subscribed, so what is measured is the API path itself (HTTP, parse,
 * history append, fan-out hand-off, reply). Prints publishes/s per run and, with {@code
 * --server-pid}, the server's CPU microseconds per publish — the figure that holds on a shared box
 * where this generator and the server compete for the same cores. Any error fails the run (exit 3).
 */
public final class PublishBench {

  private final PublishOptions options;
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  private final HttpClientAgent client;
  private final RequestOptions target;
  private final String filler;

  private PublishBench(PublishOptions options) {
    this.options = options;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(options.inflight()));
    this.target = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(options.api() + "/publish")
        .putHeader("X-API-Key", options.apiKey()).putHeader("Content-Type", "application/json");
    this.filler = "x".repeat(options.payloadBytes());
  }

  public static void main(String[] args) throws Exception {
    PublishOptions options;
    try {
      options = PublishOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    PublishBench bench = new PublishBench(options);
    int status;
    try {
      status = bench.runAll();
    } catch (RuntimeException e) { // the server went away (its /proc entry with it): report, do not hang on Vert.x threads
      System.err.println("publish bench failed: " + e);
      status = 1;
    }
    bench.vertx.close().await();
    System.exit(status);
  }

  private int runAll() throws Exception {
    if (options.warmup() > 0) {
      Run warm = run(options.warmup(), 0).await();
      System.out.printf("warmup: %d publishes, %.0f/s, %d errors%n", warm.publications, warm.perSecond(), warm.errors);
    }
    List<Double> rates = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    List<Double> serving = new ArrayList<>();
    int failed = 0;
    for (int r = 0; r < options.runs(); r++) {
      ServerCpu before = ServerCpu.read(options.serverPid());
      Run run = run(options.publications(), (r + 1L) * options.publications()).await();
      ServerCpu used = ServerCpu.read(options.serverPid()).minus(before);
      rates.add(run.perSecond());
      String cpuText = "";
      if (options.serverPid() > 0) {
        cpu.add(used.microsPer(used.total(), run.publications));
        serving.add(used.microsPer(used.total() - used.jit(), run.publications));
        cpuText = String.format(", server CPU %.1f µs/publish (%.1f without JIT compiler threads; %.2f cores)",
            cpu.get(cpu.size() - 1), serving.get(serving.size() - 1), used.cores(run.nanos));
      }
      System.out.printf("run %d: %d publishes in %.2f s, %.0f publishes/s%s, %d errors%s%n", r + 1, run.publications,
          run.nanos / 1e9, run.perSecond(), cpuText, run.errors, run.firstError == null ? "" : " (first: " + run.firstError + ")");
      failed += run.errors;
    }
    System.out.printf("median: %.0f publishes/s%s, inflight %d, channels %d, payload %d bytes%n", median(rates),
        cpu.isEmpty() ? "" : String.format(", server CPU %.1f µs/publish, %.1f without JIT", median(cpu), median(serving)),
        options.inflight(), options.channels(), options.payloadBytes());
    return failed == 0 ? 0 : 3;
  }

  private static double median(List<Double> values) {
    return Stats.median(values.stream().mapToDouble(d -> d).toArray());
  }

  private Future<Run> run(int publications, long seqBase) {
    Promise<Run> done = Promise.promise();
    vertx.runOnContext(v -> new Run(publications, seqBase, done).start());
    return done.future();
  }

  /** One run's state; touched only on the generator's one event loop. */
  private final class Run {
    final int publications;
    final long seqBase;
    final Promise<Run> done;
    final long startNanos = System.nanoTime();
    long nanos;
    int next;
    int completed;
    int errors;
    String firstError;

    Run(int publications, long seqBase, Promise<Run> done) {
      this.publications = publications;
      this.seqBase = seqBase;
      this.done = done;
    }

    double perSecond() {
      return nanos <= 0 ? 0 : publications * 1e9 / nanos;
    }

    void start() {
      for (int i = 0; i < Math.min(options.inflight(), publications); i++) sendNext();
    }

    private void sendNext() {
      if (next >= publications) return;
      int k = next++;
      String body = "{\"channel\":" + Json.encode(options.channelOf(k)) + ",\"data\":{\"seq\":" + (seqBase + k)
          + ",\"p\":\"" + filler + "\"}}";
      client.request(target).compose(req -> req.send(Buffer.buffer(body)))
          .compose(resp -> resp.body().compose(b -> resp.statusCode() == 200 && !b.toString().contains("\"error\"")
              ? Future.succeededFuture() : Future.failedFuture("HTTP " + resp.statusCode() + " " + b.toString().strip())))
          .onComplete(ar -> {
            if (ar.failed()) {
              errors++;
              if (firstError == null) firstError = String.valueOf(ar.cause().getMessage());
            }
            if (++completed == publications) {
              nanos = System.nanoTime() - startNanos;
              done.complete(this);
            } else {
              sendNext();
            }
          });
    }
  }
}
