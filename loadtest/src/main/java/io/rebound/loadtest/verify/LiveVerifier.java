package io.rebound.loadtest.verify;

import io.rebound.auth.JwtSigner;
import io.rebound.testing.verify.Ack;
import io.rebound.testing.verify.HistorySnapshot;
import io.rebound.testing.verify.Observations;
import io.rebound.testing.verify.ObservationsJson;
import io.rebound.testing.verify.Recorder;
import io.rebound.testing.verify.StreamChecker;
import io.rebound.testing.verify.Verdict;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The live verifier: {@code java -jar rebound-loadtest.jar verify --target … --api-key … --secret …} against a running
 * cluster while the operator restarts nodes or reloads the balancer. SDK clients subscribe to every channel, numbered
 * publications go out at a fixed rate, and at the end — publishing stopped, every subscriber caught up (or the quiesce
 * deadline passed), history read — the shared checker gives the verdict: console, {@code result.json},
 * {@code report.html}, and the raw recording in {@code observations.json}. Exit 3 on any defect (silent loss,
 * duplicate, reorder, acknowledged publication missing from history, offset with two payloads).
 */
public final class LiveVerifier {

  private final VerifyOptions o;
  private final Vertx vertx = Vertx.vertx();
  private final Recorder recorder = new Recorder();
  private final Promise<Void> fatal = Promise.promise();
  private final String run = "v" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36)
      + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36), 36);
  private final List<String> channels = new ArrayList<>();
  private final List<VerifyingClient> clients = new ArrayList<>();
  private WebSocketClient ws;
  private NumberedPublisher publisher;
  private RunTimeline timeline;
  private volatile boolean publishing;

  private LiveVerifier(VerifyOptions o) {
    this.o = o;
    for (int i = 0; i < o.channels; i++) channels.add(o.namespace + ":verify-" + run + "-" + i);
  }

  public static void main(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.log.io.vertx.core.http.impl.HttpClientConnectionInternal", "error");
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.print(VerifyOptions.usage());
      return;
    }
    if (args.length == 2 && args[0].equals("--check")) {
      System.exit(recheck(Path.of(args[1])));
    }
    VerifyOptions options;
    try {
      options = VerifyOptions.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.print(VerifyOptions.usage());
      System.exit(2);
      return;
    }
    int code;
    try {
      VerifyResult r = run(options);
      System.out.println(r.summary());
      code = r.exitCode();
    } catch (Exception e) {
      Throwable cause = e;
      while (cause.getCause() != null && (cause.getMessage() == null || cause instanceof java.util.concurrent.ExecutionException)) cause = cause.getCause();
      System.err.println("verify could not run: " + (cause.getMessage() != null ? cause.getMessage() : cause.toString()));
      code = 1;
    }
    System.exit(code);
  }

  /** {@code --check FILE}: the checker again over a recording; exit 0 clean, 3 defects. */
  static int recheck(Path file) {
    try {
      Verdict v = StreamChecker.check(ObservationsJson.read(Files.readString(file)));
      System.out.print(v.summary(50));
      return v.clean() ? 0 : 3;
    } catch (Exception e) {
      System.err.println("cannot check " + file + ": " + e.getMessage());
      return 1;
    }
  }

  /**
   * Runs one verification and writes its files; blocks the calling thread (not a Vert.x thread) until done. Throws when
   * the run could not happen (targets unreachable, API key or secret refused, namespace without history).
   */
  public static VerifyResult run(VerifyOptions options) throws Exception {
    options.validate();
    LiveVerifier v = new LiveVerifier(options);
    try {
      VerifyResult r = v.execute();
      write(r, v.recorder.observations(), options.effectiveOut());
      return r;
    } finally {
      v.close();
    }
  }

  private VerifyResult execute() throws Exception {
    log("run %s: %d channels %s:verify-%s-*, %d clients, %d publications/s per channel, %s; about %d deliveries to record",
        run, o.channels, o.namespace, run, o.clients, o.rate, o.durationS == 0 ? "until Enter" : o.durationS + " s", o.expectedDeliveries());
    startClients();
    awaitOrFail("every client subscribed to every channel", o.subscribeTimeoutS, this::allSubscribed);
    publisher = new NumberedPublisher(vertx, apiUrls(), o.apiKey, run, channels, o.rate, recorder);
    publisher.fatal().onFailure(e -> fail(e.getMessage()));
    timeline = new RunTimeline(this::probe);
    long progress = vertx.setPeriodic(1000, id -> tick());
    long publishStart = System.currentTimeMillis();
    publishing = true;
    publisher.start();
    log("publishing; restart nodes or reload the balancer now%s", o.durationS == 0 ? "; press Enter to finish" : "");
    waitForEnd();
    publishing = false;
    double publishSeconds = (System.currentTimeMillis() - publishStart) / 1000.0;
    log("publishing stopped; waiting for the publications in flight and for every subscriber to catch up (at most %d s)", o.quiesceS);
    long deadline = System.currentTimeMillis() + o.quiesceS * 1000L;
    try {
      awaitFuture(publisher.stop(), o.quiesceS);
    } catch (java.util.concurrent.TimeoutException e) {
      // Never acknowledged, so never expected by the checker; the cluster did not take them within the deadline.
      log("publications still unacknowledged after %d s: they are not checked", o.quiesceS);
    }
    boolean quiesced = waitUntil(deadline, this::caughtUp);
    vertx.cancelTimer(progress);
    timeline.sample();
    String historyError = readHistory();
    int reconnects = clients.stream().mapToInt(VerifyingClient::reconnects).sum();
    clients.forEach(VerifyingClient::close);
    Verdict verdict = StreamChecker.check(recorder.observations());
    return new VerifyResult(o, run, channels, publishSeconds, publisher.retries(), publisher.lastError(), reconnects, quiesced, historyError,
        verdict, timeline.samples());
  }

  private void startClients() {
    ws = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(o.tls).setConnectTimeout(5000).setMaxConnections(Integer.MAX_VALUE));
    JwtSigner signer = new JwtSigner(o.secret);
    long exp = System.currentTimeMillis() / 1000 + (o.durationS == 0 ? 24 * 3600 : o.durationS + o.quiesceS) + 3600;
    for (int k = 0; k < o.clients; k++) {
      String user = "verify-" + run + "-" + k;
      String url = (o.tls ? "wss://" : "ws://") + o.targets.get(k % o.targets.size()) + "/connection/websocket";
      String token = signer.sign(Map.of("sub", user, "exp", exp));
      List<String> subTokens = channels.stream().map(c -> signer.sign(Map.of("sub", user, "channel", c, "exp", exp))).toList();
      VerifyingClient c = new VerifyingClient(vertx, ws, url, "client-" + k, token, channels, subTokens, recorder, o, this::fail);
      clients.add(c);
      c.connect();
    }
  }

  private List<String> apiUrls() {
    return o.targets.stream().map(t -> (o.tls ? "https://" : "http://") + t + "/api").toList();
  }

  private boolean allSubscribed() {
    return clients.stream().allMatch(c -> c.connected() && c.channels().stream().allMatch(ch -> ch.subscribed));
  }

  /** Every subscription is subscribed and has reached the last acknowledged offset of its channel. */
  private boolean caughtUp() {
    for (int i = 0; i < channels.size(); i++) {
      Ack last = publisher.lastAck(i);
      if (last == null) continue;
      for (VerifyingClient c : clients) {
        VerifyingClient.Channel ch = c.channels().get(i);
        if (!ch.subscribed || !ch.epoch.equals(last.epoch()) || ch.offset < last.offset()) return false;
      }
    }
    return true;
  }

  private RunTimeline.Sample probe() {
    int connected = 0;
    int subscribed = 0;
    long deliveries = 0;
    int reconnects = 0;
    for (VerifyingClient c : clients) {
      if (c.connected()) connected++;
      reconnects += c.reconnects();
      for (VerifyingClient.Channel ch : c.channels()) {
        if (ch.subscribed) subscribed++;
        deliveries += ch.log.deliveries();
      }
    }
    return new RunTimeline.Sample(0, connected, subscribed, publisher.acked(), deliveries, publisher.retries(), reconnects);
  }

  private void tick() {
    RunTimeline.Sample s = timeline.sample();
    if (s.atMs() / 1000 % 5 != 0) return;
    log("t=%3ds %s: %d acknowledged (%d retried), clients connected %d/%d, subscriptions %d/%d, %d deliveries, %d reconnects",
        s.atMs() / 1000, publishing ? "publishing" : "settling", s.acked(), s.retries(), s.connected(), o.clients, s.subscribed(),
        o.clients * o.channels, s.deliveries(), s.reconnects());
  }

  private void waitForEnd() throws Exception {
    Promise<Void> end = Promise.promise();
    if (o.durationS > 0) vertx.setTimer(o.durationS * 1000L, t -> end.tryComplete());
    if (o.durationS == 0 || System.console() != null) {
      Thread enter = new Thread(() -> {
        try {
          System.in.read(); // a line, or the end of the input
          end.tryComplete();
        } catch (java.io.IOException ignored) {
          // no console: the duration ends the run
        }
      }, "verify-enter");
      enter.setDaemon(true);
      enter.start();
    }
    awaitFuture(Future.any(end.future(), fatal.future()), Integer.MAX_VALUE / 1000);
    if (fatal.future().failed()) throw new IllegalStateException(fatal.future().cause().getMessage());
  }

  private String readHistory() {
    HttpClientAgent http = vertx.createHttpClient();
    HistoryReader reader = new HistoryReader(vertx, http, apiUrls(), o.apiKey);
    try {
      for (String c : channels) {
        HistorySnapshot h = awaitFuture(reader.read(c, 3), 120);
        recorder.history(c, h);
      }
      return null;
    } catch (Exception e) {
      log("history could not be read (%s): the history rules are not checked", e.getMessage());
      return e.getMessage();
    } finally {
      http.close();
    }
  }

  private void fail(String why) {
    if (fatal.tryFail(why)) log("stopping: %s", why);
  }

  private void awaitOrFail(String what, int seconds, BooleanSupplier condition) throws Exception {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    if (!waitUntil(deadline, condition)) {
      if (fatal.future().failed()) throw new IllegalStateException(fatal.future().cause().getMessage());
      throw new IllegalStateException("not " + what + " within " + seconds + " s (are --target, --secret and --namespace right?)");
    }
  }

  /** Checks {@code condition} five times a second until it holds (true), the deadline passes or the run failed (false). */
  private boolean waitUntil(long deadlineMs, BooleanSupplier condition) throws Exception {
    Promise<Boolean> done = Promise.promise();
    vertx.setPeriodic(1, 200, id -> {
      boolean holds = !fatal.future().failed() && condition.getAsBoolean();
      if (holds || fatal.future().failed() || System.currentTimeMillis() >= deadlineMs) {
        vertx.cancelTimer(id);
        done.tryComplete(holds);
      }
    });
    return awaitFuture(done.future(), Math.max(1, (deadlineMs - System.currentTimeMillis()) / 1000 + 10));
  }

  private static <T> T awaitFuture(Future<T> f, long seconds) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  private void close() {
    clients.forEach(VerifyingClient::close);
    List<Future<?>> closing = new ArrayList<>();
    if (publisher != null) closing.add(publisher.close());
    if (ws != null) closing.add(ws.close());
    try {
      awaitFuture(Future.join(closing).transform(ar -> vertx.close()), 30);
    } catch (Exception e) {
      System.err.println("warning: close: " + e);
    }
  }

  private static void write(VerifyResult r, Observations observations, Path dir) throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("result.json"), r.toJson().toPrettyString() + "\n", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("report.html"), VerifyHtml.render(r), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("observations.json"), ObservationsJson.write(observations), StandardCharsets.UTF_8);
    log("wrote %s, %s and %s", dir.resolve("result.json"), dir.resolve("report.html"), dir.resolve("observations.json"));
  }

  private static void log(String format, Object... args) {
    System.out.println("[verify] " + String.format(format, args));
  }
}
