package io.rebound.loadtest.heap;

import io.rebound.auth.JwtSigner;
import io.rebound.loadtest.common.Stats;
import io.rebound.loadtest.fanout.BenchOptions;
import io.rebound.loadtest.fanout.SubscriberPool;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Live heap of a broker per idle connection: connects N subscribed WebSocket clients (in this JVM) to a
 * broker running in another JVM and compares the broker's live heap before and after, measured with
 * {@code jcmd <pid> GC.class_histogram} (which runs a full GC first, so only reachable objects count).
 * Prints bytes per connection and the classes that grew most; repeats {@code --runs} times and reports
 * the median. A benchmark tool, not a test: it needs the broker's pid and {@code jcmd} on the PATH.
 *
 * <pre>
 * java -jar target/rebound-loadtest.jar idle-heap --pid $(pgrep -f 'rebound.jar --config') \
 *   --url ws://127.0.0.1:8000/connection/websocket --secret bench-secret --connections 10000 --runs 3
 * </pre>
 */
public final class IdleHeap {

  private static final String USAGE = """
      usage: java -jar target/rebound-loadtest.jar idle-heap --pid PID --secret S [options]
        --pid PID              the broker's JVM (jcmd must reach it: same user, jcmd on the PATH)
        --secret S             the broker's token_hmac_secret_key (a token is minted per connection)
        --url WS               default ws://127.0.0.1:8000/connection/websocket
        --channel CH           default chat:idle
        --connections N        default 10000 (each costs a file descriptor in both JVMs)
        --runs K               default 3; the median is reported
        --event-loops E        default 2
        --top T                classes that grew most, printed for the first run; default 15
      """;

  private IdleHeap() {
  }

  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--help")) {
      System.out.print(USAGE);
      return;
    }
    Map<String, String> flags;
    try {
      flags = parse(args);
      required(flags, "--pid");
      required(flags, "--secret");
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    long pid = Long.parseLong(required(flags, "--pid"));
    String url = flags.getOrDefault("--url", "ws://127.0.0.1:8000/connection/websocket");
    String secret = required(flags, "--secret");
    String channel = flags.getOrDefault("--channel", "chat:idle");
    int connections = Integer.parseInt(flags.getOrDefault("--connections", "10000"));
    int runs = Integer.parseInt(flags.getOrDefault("--runs", "3"));
    int loops = Integer.parseInt(flags.getOrDefault("--event-loops", "2"));
    int top = Integer.parseInt(flags.getOrDefault("--top", "15"));

    JwtSigner signer = new JwtSigner(secret);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    List<Double> perConnection = new ArrayList<>();
    try {
      for (int run = 1; run <= runs; run++) {
        ClassHistogram before = ClassHistogram.of(pid);
        SubscriberPool pool = SubscriberPool.open(vertx, loops, List.of(url),
                i -> signer.connectionToken("idle-" + i, BenchOptions.TOKEN_TTL_SECONDS), channel, connections,
                200, 60, (done, total) -> { })
            .toCompletionStage().toCompletableFuture().get();
        ClassHistogram after = ClassHistogram.of(pid);
        double bytes = (after.totalBytes - before.totalBytes) / (double) connections;
        perConnection.add(bytes);
        System.out.printf("run %d: %d connections, live heap +%.1f MiB = %.0f B (%.2f KiB) per connection%n",
            run, connections, (after.totalBytes - before.totalBytes) / 1048576.0, bytes, bytes / 1024);
        if (run == 1) printTopGrowth(before, after, connections, top);
        pool.close().toCompletionStage().toCompletableFuture().get();
      }
    } catch (ExecutionException e) {
      System.err.println("idle heap measurement failed: " + e.getCause().getMessage());
      System.exit(1);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
    double median = Stats.median(perConnection.stream().mapToDouble(Double::doubleValue).toArray());
    System.out.printf("median over %d runs: %.0f B (%.2f KiB) per idle connection%n", runs, median, median / 1024);
  }

  private static void printTopGrowth(ClassHistogram before, ClassHistogram after, int connections, int top) {
    System.out.println("  bytes/conn  instances/conn  class");
    after.bytesByClass.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.bytesByClass.getOrDefault(e.getKey(), 0L)))
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .limit(top)
        .forEach(e -> System.out.printf("  %10.0f  %14.2f  %s%n", e.getValue() / (double) connections,
            (after.instancesByClass.getOrDefault(e.getKey(), 0L)
                - before.instancesByClass.getOrDefault(e.getKey(), 0L)) / (double) connections, e.getKey()));
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected a --flag, got " + args[i]);
      flags.put(args[i], args[i + 1]);
    }
    if (args.length % 2 != 0) throw new IllegalArgumentException("flag " + args[args.length - 1] + " needs a value");
    return flags;
  }

  private static String required(Map<String, String> flags, String name) {
    String v = flags.get(name);
    if (v == null) throw new IllegalArgumentException(name + " is required");
    return v;
  }
}
