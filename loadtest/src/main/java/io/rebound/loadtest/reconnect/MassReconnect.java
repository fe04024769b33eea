package io.rebound.loadtest.reconnect;

import io.rebound.auth.JwtSigner;
import io.rebound.testing.TcpProxy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Mass-reconnect load test: C clients behind a TCP balancer, publishing at a fixed rate, then a
 * disruption (balancer reload, node kill, rolling restart, or an outage longer than history) and a
 * measurement of how the clients came back: recovered from the broker's history or not, how fast,
 * with no loss and no duplicate. Writes result.json and report.html.
 *
 * <p>{@code java -jar target/rebound-loadtest.jar reconnect [options]} (see {@code --help});
 * tests call {@link #run(MassReconnectOptions)}.
 */
public final class MassReconnect {

  /** Pause between two nodes of a rolling restart once the clients are back (lets the cluster settle). */
  private static final long ROLLING_PAUSE_MS = 2000;

  private final MassReconnectOptions o;
  private final BrokerFleet fleet;
  private final Vertx vertx;
  private final ReconnectStats stats = new ReconnectStats();
  private final List<ClientShard> shards = new ArrayList<>();
  /** The balancer in this JVM ({@code --balancer-processes 0}), else null. */
  private TcpProxy balancer;
  /** The balancers in processes of their own ({@code --balancer-processes N}), else null. */
  private ExternalBalancers externals;
  private RatePublisher publisher;
  private Timeline timeline;

  private MassReconnect(MassReconnectOptions o, BrokerFleet fleet, Vertx vertx) {
    this.o = o;
    this.fleet = fleet;
    this.vertx = vertx;
  }

  public static void main(String[] args) {
    // Every WebSocket the balancer cuts is logged as "Connection evicted" by Vert.x: 10 000 lines of noise per reload.
    System.setProperty("org.slf4j.simpleLogger.log.io.vertx.core.http.impl.HttpClientConnectionInternal", "error");
    // With --resume the broker logs session_detached + session_resumed (INFO) per client: 2 lines per client per
    // reload. The tool counts resumes and refusals itself; warnings and errors still show.
    System.setProperty("org.slf4j.simpleLogger.log.io.rebound.edge.session", "warn");
    if (List.of(args).contains("--help")) {
      System.out.print(MassReconnectOptions.usage());
      return;
    }
    MassReconnectOptions options;
    try {
      options = MassReconnectOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.print(MassReconnectOptions.usage());
      System.exit(2);
      return;
    }
    int code;
    try {
      MassReconnectResult r = run(options);
      System.out.println(r.summary());
      code = options.strict && !r.strictOk() ? 3 : 0;
      if (code != 0) System.err.println("--strict: lost, duplicates or recovery below 100 %");
    } catch (Exception e) {
      System.err.println("error: " + e);
      code = 1;
    }
    System.exit(code);
  }

  /**
   * Runs one scenario end to end and writes {@code result.json} and {@code report.html} to the
   * output directory. Blocks the calling thread (must not be a Vert.x thread) until everything is closed.
   */
  public static MassReconnectResult run(MassReconnectOptions options) throws Exception {
    options.validate();
    checkFileDescriptors(options);
    ConnectHookBackend hook = options.connectProxy ? await(ConnectHookBackend.start(), 30) : null;
    if (hook != null) options.connectProxyEndpoint = hook.endpoint();
    BrokerFleet fleet;
    try {
      fleet = await(BrokerFleet.start(options), 180);
    } catch (Exception e) {
      if (hook != null) hook.close();
      throw e;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.eventLoops + 1));
    MassReconnect run = new MassReconnect(options, fleet, vertx);
    try {
      MassReconnectResult result = run.execute();
      write(result, options.effectiveOut());
      if (hook != null) log("connect hook: %d calls for %d clients (ramp-up: one each; the rest: the reconnects)", hook.requests(), options.clients);
      return result;
    } finally {
      run.close();
      if (hook != null) await(hook.close(), 10);
    }
  }

  private MassReconnectResult execute() throws Exception {
    List<String> urls = new ArrayList<>();
    if (!o.balancerUrls.isEmpty()) {
      urls.addAll(o.balancerUrls);
    } else if (o.balancerProcesses == 0) {
      balancer = await(TcpProxy.roundRobin(vertx, fleet.addresses()), 10);
      urls.add(balancer.wsUrl());
    } else {
      externals = ExternalBalancers.start(o.balancerProcesses, fleet.addresses(), List.of("-Xmx1g", "-XX:+UseSerialGC"));
      for (int i = 0; i < externals.size(); i++) urls.add(externals.wsUrl(i));
    }
    String prefix = "mr" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
    List<String> channels = new ArrayList<>();
    for (int i = 0; i < o.clients; i++) channels.add("personal:#" + prefix + "-" + i);
    channels.add("chat:" + prefix + "-shared");
    // Client i is on shard i mod shards, shard k connects through balancer k mod balancers: every balancer gets its share.
    for (int i = 0; i < Math.max(o.eventLoops, urls.size()); i++) shards.add(new ClientShard(vertx, urls.get(i % urls.size()), stats, o));
    rampUp(prefix, channels);
    publisher = new RatePublisher(vertx, fleet.apiUrls(), fleet::isLive, o.apiKey, channels, o.rate, o.sharedEvery, o.publishInflight);
    double succeeded0 = await(fleet.counter(publisher.http(), "rebound_recoveries_succeeded_total"), 10);
    double refused0 = await(fleet.counter(publisher.http(), "rebound_recoveries_refused_total"), 10);
    double attempted0 = await(fleet.counter(publisher.http(), "rebound_recoveries_attempted_total"), 10);
    double resumes0 = await(fleet.counter(publisher.http(), "rebound_sessions_resumed_total"), 10);
    timeline = new Timeline(vertx, stats, publisher, o.targetPid);
    timeline.start();
    long publishStart = System.nanoTime();
    publisher.start();
    log("publishing at %d/s; disruption (%s) in %d s; %s", o.rate, o.scenario.flag(), o.warmupS, o.resume
        ? "session resume on (window " + o.resumeWindowS + " s, server buffer " + o.effectiveResumeBufferSize() + " messages)"
        : "session resume off (per-channel recovery)");
    long progress = vertx.setPeriodic(1000, id -> {
      if (stats.generation() > 0) log("t=%d ms: %d/%d clients connected", stats.nowMs(), stats.connected.get(), o.clients);
    });
    await(delay(o.warmupS * 1000L).compose(v -> disrupt()), 600);
    await(delay(o.afterS * 1000L), o.afterS + 10);
    long[] finalSeq = await(publisher.stop(), 120);
    double publishSeconds = (System.nanoTime() - publishStart) / 1e9;
    log("publishing stopped (%d publications); waiting for quiescence", publisher.published.sum());
    // Generous: on a loaded box a tally of 15,000 clients can come late; the quiesce deadline itself is o.quiesceS.
    boolean quiesced = await(quiesce(finalSeq), o.quiesceS + 120L);
    vertx.cancelTimer(progress);
    ClientShard.Tally tally = await(tally(finalSeq), 120);
    timeline.stop();
    double succeeded = await(fleet.counter(publisher.http(), "rebound_recoveries_succeeded_total"), 10) - succeeded0;
    double refused = await(fleet.counter(publisher.http(), "rebound_recoveries_refused_total"), 10) - refused0;
    double attempted = await(fleet.counter(publisher.http(), "rebound_recoveries_attempted_total"), 10) - attempted0;
    double resumes = await(fleet.counter(publisher.http(), "rebound_sessions_resumed_total"), 10) - resumes0;
    List<Timeline.Sample> samples = timeline.samples();
    log("reconnect events by reason: %s", new java.util.TreeMap<>(stats.reconnectReasons));
    return new MassReconnectResult(o, publisher.published.sum(), publisher.retries.sum(), publisher.firstError(),
        publisher.published.sum() / publishSeconds, stats.deliveries.sum(), stats.deliveries.sum() / publishSeconds,
        stats.lostGaps.sum() + tally.tailLost(), stats.duplicates.sum(), stats.recovered.sum(), stats.unrecovered.sum(),
        stats.resumed.sum(), stats.resumedSubscriptions.sum(), stats.resumeRefused.sum(), stats.freshSubscribes.sum(), (long) resumes,
        stats.affectedCount(), tally.notReadyClients(), 2 * o.clients - tally.caughtUpSubs(), quiesced,
        (long) succeeded, (long) refused, (long) attempted, stats.disconnects.sum(), stats.connectAttempts.sum(),
        stats.replyErrors.sum(), stats.firstError.get(), stats.stray.sum(), stats.insufficientState.sum(),
        externals != null ? externals.refused() : balancer != null ? balancer.refused() : -1,
        stats.disruptionsMs(), stats.latenciesMicros(), stats.fromOwnCutMicros(), stats.cutReachedLastClientMs(), samples,
        samples.stream().mapToDouble(Timeline.Sample::processCpuPct).max().orElse(0),
        samples.stream().mapToDouble(Timeline.Sample::processCpuPct).average().orElse(0),
        samples.stream().mapToDouble(Timeline.Sample::brokerCpuPct).max().orElse(0),
        samples.stream().mapToDouble(Timeline.Sample::brokerCpuPct).average().orElse(0),
        samples.stream().mapToDouble(Timeline.Sample::heapMb).max().orElse(0));
  }

  /** Connects every client (bounded handshakes in flight) and waits until all are subscribed. */
  private void rampUp(String prefix, List<String> channels) throws Exception {
    JwtSigner signer = new JwtSigner(o.secret);
    int shared = channels.size() - 1;
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    Promise<Void> all = Promise.promise();
    Runnable[] launch = new Runnable[1];
    launch[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= o.clients) return;
      String user = prefix + "-" + i;
      String token = o.connectProxy ? null : signer.connectionToken(user, 24 * 3600);
      shards.get(i % shards.size())
          .open(token, user, new SubscriptionState(channels.get(i), i), new SubscriptionState(channels.get(shared), shared))
          .onComplete(ar -> {
            int n = done.incrementAndGet();
            if (n % 5000 == 0) log("%d/%d clients subscribed", n, o.clients);
            if (n == o.clients) all.tryComplete();
            launch[0].run();
          });
    };
    for (int k = 0; k < Math.min(o.connectConcurrency, o.clients); k++) launch[0].run();
    // Not measured, only waited for: on a loaded 2-core box 15,000 handshakes took over 3 minutes (0.15 s per 100 was too short).
    await(all.future(), Math.max(60, o.clients / 25));
    log("%d clients connected through %s", o.clients, !o.balancerUrls.isEmpty() ? "the balancers at " + o.balancerUrls
        : externals == null ? "the balancer " + balancer.wsUrl() : externals.size() + " balancer processes");
  }

  private Future<Void> disrupt() {
    switch (o.scenario) {
      case RELOAD, HISTORY_OVERFLOW -> {
        if (o.reloadCommand != null) {
          log("t=%d ms: balancer reload (%s)", stats.disrupt(), o.reloadCommand);
          return vertx.executeBlocking(() -> runReloadCommand(o.reloadCommand), false);
        }
        log("t=%d ms: balancer reload (refusing %d ms)", stats.disrupt(), o.effectiveRefuseMs());
        return (externals == null ? balancer.reload(o.effectiveRefuseMs()) : externals.reload(vertx, o.effectiveRefuseMs())).mapEmpty();
      }
      case NODE_KILL -> {
        log("t=%d ms: killing node 0", stats.disrupt());
        balancer.markDown(0, true);
        balancer.dropBackend(0);
        return fleet.kill(0);
      }
      case ROLLING_RESTART -> {
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < fleet.size(); i++) {
          int node = i;
          chain = chain.compose(v -> restartOne(node)).compose(v -> delay(ROLLING_PAUSE_MS));
        }
        return chain;
      }
      default -> throw new IllegalStateException(o.scenario.toString());
    }
  }

  /** Runs {@code --reload-command} and waits for it (a worker thread: it blocks); fails on a non-zero exit or after 60 s. */
  private static Void runReloadCommand(String command) throws Exception {
    long start = System.nanoTime();
    Process p = new ProcessBuilder("sh", "-c", command).inheritIO().start();
    if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("--reload-command did not exit within 60 s");
    }
    if (p.exitValue() != 0) throw new IllegalStateException("--reload-command exited with " + p.exitValue());
    log("reload command done in %d ms", (System.nanoTime() - start) / 1_000_000);
    return null;
  }

  /** One rolling-restart step: route around the node, stop it gracefully, start it again, route to it. */
  private Future<Void> restartOne(int node) {
    log("t=%d ms: restarting node %d", stats.disrupt(), node);
    balancer.markDown(node, true);
    return fleet.stop(node)
        .compose(v -> fleet.restart(node))
        .compose(v -> {
          balancer.markDown(node, false);
          return allConnected(30_000);
        });
  }

  /** Completes when every client is connected again, or after {@code maxMs} (never fails). */
  private Future<Void> allConnected(long maxMs) {
    Promise<Void> p = Promise.promise();
    long deadline = System.nanoTime() + maxMs * 1_000_000;
    vertx.setPeriodic(Timeline.PERIOD_MS, id -> {
      if (stats.connected.get() >= o.clients || System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        p.tryComplete();
      }
    });
    return p.future();
  }

  /** True once every subscription has every publication; false after {@code --quiesce-s}. */
  private Future<Boolean> quiesce(long[] finalSeq) {
    Promise<Boolean> p = Promise.promise();
    long deadline = System.nanoTime() + o.quiesceS * 1_000_000_000L;
    vertx.setPeriodic(Timeline.PERIOD_MS, id -> tally(finalSeq).onSuccess(t -> {
      boolean done = t.notReadyClients() == 0 && t.caughtUpSubs() == 2 * o.clients;
      if (done || System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        p.tryComplete(done);
      }
    }));
    return p.future();
  }

  private Future<ClientShard.Tally> tally(long[] finalSeq) {
    List<Future<ClientShard.Tally>> parts = shards.stream().map(s -> s.tally(finalSeq)).toList();
    return Future.all(parts).map(cf -> parts.stream().map(Future::result).reduce(new ClientShard.Tally(0, 0, 0, 0), ClientShard.Tally::plus));
  }

  private Future<Void> delay(long ms) {
    Promise<Void> p = Promise.promise();
    vertx.setTimer(Math.max(1, ms), t -> p.complete());
    return p.future();
  }

  private void close() {
    List<Future<?>> closing = new ArrayList<>();
    if (timeline != null) timeline.stop();
    shards.forEach(s -> closing.add(s.close()));
    if (publisher != null) closing.add(publisher.close());
    if (balancer != null) closing.add(balancer.closeAsync());
    if (externals != null) externals.close();
    try {
      await(Future.join(closing).transform(ar -> fleet.close()).transform(ar -> vertx.close()), 60);
    } catch (Exception e) {
      System.err.println("warning: close: " + e);
    }
  }

  /**
   * Each client costs up to 4 descriptors in this JVM: its socket, the balancer's front and back (unless the balancers
   * are processes of their own, which then hold 2 per client of their share each) and the broker's side (unless the
   * nodes are {@code --target}s). Fails up front rather than with "Too many open files" mid-reconnect.
   */
  private static void checkFileDescriptors(MassReconnectOptions o) {
    if (!(java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix)) return;
    long perClient = 1 + (o.targets.isEmpty() ? 1 : 0) + (o.balancerProcesses == 0 && o.balancerUrls.isEmpty() ? 2 : 0);
    long needed = perClient * o.clients + 600;
    long max = unix.getMaxFileDescriptorCount();
    if (needed > max) {
      throw new IllegalArgumentException(String.format("--clients %d needs about %d file descriptors here (%d per client) but the limit is %d"
          + " (ulimit -n); at most %d clients fit (--balancer-processes and --target move descriptors to other processes)",
          o.clients, needed, perClient, max, (max - 600) / perClient));
    }
    if (o.balancerProcesses > 0) {
      long perBalancer = 2 * ((o.clients + o.balancerProcesses - 1) / o.balancerProcesses) + 600;
      if (perBalancer > max) {
        throw new IllegalArgumentException(String.format("--clients %d over %d balancer processes needs about %d descriptors in each, the limit is %d:"
            + " use --balancer-processes %d", o.clients, o.balancerProcesses, perBalancer, max, (2L * o.clients + max - 601) / (max - 600)));
      }
    }
  }

  private static void write(MassReconnectResult r, Path dir) throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("result.json"), r.toJson().encodePrettily() + "\n", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("report.html"), HtmlReport.render(r), StandardCharsets.UTF_8);
    log("wrote %s and %s", dir.resolve("result.json"), dir.resolve("report.html"));
  }

  private static <T> T await(Future<T> f, long seconds) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  private static void log(String format, Object... args) {
    System.out.println("[mass-reconnect] " + String.format(format, args));
  }
}
