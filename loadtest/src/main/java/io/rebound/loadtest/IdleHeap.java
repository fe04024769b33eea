package io.rebound.loadtest;

import io.rebound.auth.JwtSigner;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * java -cp target/rebound.jar io.rebound.loadtest.IdleHeap --pid $(pgrep -f 'rebound.jar --config') \
 *   --url ws://127.0.0.1:8000/connection/websocket --secret bench-secret --connections 10000 --runs 3
 * </pre>
 */
public final class IdleHeap {

  private IdleHeap() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = parse(args);
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
        Histogram before = Histogram.of(pid);
        SubscriberPool pool = SubscriberPool.open(vertx, loops, List.of(url),
                i -> signer.connectionToken("idle-" + i, BenchOptions.TOKEN_TTL_SECONDS), channel, connections,
                200, 60, (done, total) -> { })
            .toCompletionStage().toCompletableFuture().get();
        Histogram after = Histogram.of(pid);
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
    List<Double> sorted = perConnection.stream().sorted().toList();
    double median = sorted.get(sorted.size() / 2);
    System.out.printf("median over %d runs: %.0f B (%.2f KiB) per idle connection%n", runs, median, median / 1024);
  }

  private static void printTopGrowth(Histogram before, Histogram after, int connections, int top) {
    System.out.println("  bytes/conn  instances/conn  class");
    after.bytesByClass.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.bytesByClass.getOrDefault(e.getKey(), 0L)))
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .limit(top)
        .forEach(e -> System.out.printf("  %10.0f  %14.2f  %s%n", e.getValue() / (double) connections,
            (after.instancesByClass.getOrDefault(e.getKey(), 0L)
                - before.instancesByClass.getOrDefault(e.getKey(), 0L)) / (double) connections, e.getKey()));
  }

  /** One {@code GC.class_histogram} of the broker: live bytes and instances per class, and the total. */
  private static final class Histogram {
    final Map<String, Long> bytesByClass = new HashMap<>();
    final Map<String, Long> instancesByClass = new HashMap<>();
    long totalBytes;

    static Histogram of(long pid) throws IOException, InterruptedException {
      Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
      String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (jcmd.waitFor() != 0) throw new IOException("jcmd " + pid + " GC.class_histogram failed: " + out);
      Histogram h = new Histogram();
      for (String line : out.split("\n")) {
        String[] cols = line.trim().split("\\s+");
        // Rows: "  1:   123   4567   java.lang.String (java.base@17)"; the last row: "Total  123  4567".
        if (cols.length >= 4 && cols[0].endsWith(":")) {
          h.instancesByClass.merge(cols[3], Long.parseLong(cols[1]), Long::sum);
          h.bytesByClass.merge(cols[3], Long.parseLong(cols[2]), Long::sum);
        } else if (cols.length == 3 && cols[0].equals("Total")) {
          h.totalBytes = Long.parseLong(cols[2]);
        }
      }
      if (h.totalBytes == 0) throw new IOException("no Total line in the class histogram of " + pid);
      return h;
    }
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
