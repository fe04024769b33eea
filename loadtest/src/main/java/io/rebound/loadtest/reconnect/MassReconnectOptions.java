package io.rebound.loadtest.reconnect;

import io.rebound.config.ClientOptions;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Options of {@link MassReconnect}: mutable, fluent, with public {@code DEFAULT_*} constants (Vert.x
 * options style) so tests and the CLI share one set of defaults. {@link #parse(String[])} reads the flags.
 */
public final class MassReconnectOptions {

  /** What disrupts the clients. */
  public enum Scenario {
    /** The balancer drops every connection at once and refuses new ones for {@code refuseMs}. */
    RELOAD,
    /** One in-process node's Vert.x is closed without undeploying (no close frames, no goodbye). */
    NODE_KILL,
    /** Each node in turn is closed and restarted; the balancer routes around the node that is down. */
    ROLLING_RESTART,
    /** A reload whose outage outlasts the history: recovered:false is expected and counted separately. */
    HISTORY_OVERFLOW;

    static Scenario parse(String s) {
      return valueOf(s.trim().toUpperCase().replace('-', '_'));
    }

    public String flag() {
      return name().toLowerCase().replace('_', '-');
    }
  }

  public static final int DEFAULT_NODES = 1;
  public static final int DEFAULT_CLIENTS = 10_000;
  public static final int DEFAULT_RATE = 200;
  public static final int DEFAULT_SHARED_EVERY = 50;
  public static final int DEFAULT_WARMUP_S = 5;
  public static final int DEFAULT_AFTER_S = 10;
  public static final int DEFAULT_REFUSE_MS = 500;
  public static final int DEFAULT_BACKOFF_MIN_MS = 100;
  public static final int DEFAULT_BACKOFF_MAX_MS = 2000;
  public static final int DEFAULT_HISTORY_SIZE = 1000;
  /** history_size of the history-overflow scenario unless {@code --history-size} is given. */
  public static final int DEFAULT_OVERFLOW_HISTORY_SIZE = 2;
  /** Outage of the history-overflow scenario unless {@code --refuse-ms} is given. */
  public static final int DEFAULT_OVERFLOW_REFUSE_MS = 4000;
  public static final int DEFAULT_QUIESCE_S = 30;
  public static final int DEFAULT_CONNECT_CONCURRENCY = 500;
  public static final int DEFAULT_PUBLISH_INFLIGHT = 64;
  public static final int DEFAULT_EVENT_LOOPS = 2;
  public static final int DEFAULT_TIMEOUT_MS = 5000;
  /** Resume window the clients ask for with {@code --resume} (the in-process nodes allow it: their default is 60 s). */
  public static final int DEFAULT_RESUME_WINDOW_S = 60;

  public int nodes = DEFAULT_NODES;
  /** Clients connect without a token, through the nodes' connect hook (in-process nodes only). */
  public boolean connectProxy;
  /** Set by {@link MassReconnect} when {@link #connectProxy}: the hook's URL the in-process nodes call. */
  String connectProxyEndpoint;
  /** host:port of running nodes (WebSocket + HTTP API on the same port); empty = start nodes in-process. */
  public List<String> targets = new ArrayList<>();
  public Scenario scenario = Scenario.RELOAD;
  public int clients = DEFAULT_CLIENTS;
  public int rate = DEFAULT_RATE;
  public int sharedEvery = DEFAULT_SHARED_EVERY;
  public int warmupS = DEFAULT_WARMUP_S;
  public int afterS = DEFAULT_AFTER_S;
  /** -1 = scenario default. */
  public int refuseMs = -1;
  public int backoffMinMs = DEFAULT_BACKOFF_MIN_MS;
  public int backoffMaxMs = DEFAULT_BACKOFF_MAX_MS;
  /** -1 = scenario default. */
  public int historySize = -1;
  public int quiesceS = DEFAULT_QUIESCE_S;
  public int connectConcurrency = DEFAULT_CONNECT_CONCURRENCY;
  public int publishInflight = DEFAULT_PUBLISH_INFLIGHT;
  public int eventLoops = DEFAULT_EVENT_LOOPS;
  /** Balancers in processes of their own (0: one balancer in this JVM); reload and history-overflow only. */
  public int balancerProcesses;
  /**
   * WebSocket URLs of balancers run by someone else (e.g. HAProxy), client i through URL i mod n; reload and
   * history-overflow only, with {@link #reloadCommand}. Empty: the tool runs the balancers.
   */
  public List<String> balancerUrls = List.of();
  /** With {@link #balancerUrls}: run by {@code sh -c} at the disruption to cut every connection (restart them); waited for. */
  public String reloadCommand;
  /** With --target: the node's process id, whose CPU the timeline samples as the broker's (-1: not sampled). */
  public long targetPid = -1;
  /** The clients' timeout for a connect reply and for command replies (ReboundClientOptions.timeout; the SDK default is 5 s). */
  public int timeoutMs = DEFAULT_TIMEOUT_MS;
  public String secret = "bench-secret";
  public String apiKey = "bench-key";
  public Path out;
  public boolean strict;
  /** Clients ask for session resume (EXTENSIONS.md §2) instead of measuring per-channel recovery only. */
  public boolean resume;
  public int resumeWindowS = DEFAULT_RESUME_WINDOW_S;
  /** client_resume_buffer_size of the in-process nodes; -1 = sized from rate × outage ({@link #effectiveResumeBufferSize()}). */
  public int resumeBufferSize = -1;

  public MassReconnectOptions clients(int n) { clients = n; return this; }
  public MassReconnectOptions nodes(int n) { nodes = n; return this; }
  public MassReconnectOptions rate(int r) { rate = r; return this; }
  public MassReconnectOptions warmupS(int s) { warmupS = s; return this; }
  public MassReconnectOptions afterS(int s) { afterS = s; return this; }
  public MassReconnectOptions scenario(Scenario s) { scenario = s; return this; }
  public MassReconnectOptions out(Path p) { out = p; return this; }
  public MassReconnectOptions refuseMs(int ms) { refuseMs = ms; return this; }
  public MassReconnectOptions historySize(int n) { historySize = n; return this; }
  public MassReconnectOptions resume(boolean on) { resume = on; return this; }
  public MassReconnectOptions resumeBufferSize(int n) { resumeBufferSize = n; return this; }
  public MassReconnectOptions balancerProcesses(int n) { balancerProcesses = n; return this; }

  /** The outage after a reload, resolved against the scenario default. */
  public int effectiveRefuseMs() {
    if (refuseMs >= 0) return refuseMs;
    return scenario == Scenario.HISTORY_OVERFLOW ? DEFAULT_OVERFLOW_REFUSE_MS : DEFAULT_REFUSE_MS;
  }

  /** The namespaces' history_size, resolved against the scenario default. */
  public int effectiveHistorySize() {
    if (historySize >= 0) return historySize;
    return scenario == Scenario.HISTORY_OVERFLOW ? DEFAULT_OVERFLOW_HISTORY_SIZE : DEFAULT_HISTORY_SIZE;
  }

  /**
   * Messages one session receives per second at most: its share of the shared channel (every K-th publication) plus
   * its personal channel's share of the rest.
   */
  public double perSessionRate() {
    double shared = (double) rate / sharedEvery;
    return shared + (rate - shared) / clients;
  }

  /**
   * The in-process nodes' client_resume_buffer_size: a resumed session needs every message written since the last one
   * its client processed, i.e. about per-session rate × outage. The outage is bounded generously by the refusal, the
   * longest backoff, the handshake timeout and 30 s of reconnect storm, doubled; never below the server default (1024).
   */
  public int effectiveResumeBufferSize() {
    if (resumeBufferSize > 0) return resumeBufferSize;
    double outageS = (effectiveRefuseMs() + backoffMaxMs + ReconnectingClient.HANDSHAKE_TIMEOUT_MS + 30_000) / 1000.0;
    return (int) Math.max(ClientOptions.DEFAULT_RESUME_BUFFER_SIZE, Math.ceil(2 * perSessionRate() * outageS));
  }

  public Path effectiveOut() {
    if (out != null) return out;
    return Path.of("loadtest", "out", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
  }

  /** Checks combinations that cannot work; throws IllegalArgumentException naming the flag. */
  public MassReconnectOptions validate() {
    if (clients < 1) throw new IllegalArgumentException("--clients must be >= 1");
    if (nodes < 1) throw new IllegalArgumentException("--nodes must be >= 1");
    if (rate < 1) throw new IllegalArgumentException("--rate must be >= 1");
    if (sharedEvery < 1) throw new IllegalArgumentException("--shared-every must be >= 1");
    if (resumeWindowS < 1) throw new IllegalArgumentException("--resume-window-s must be >= 1");
    if (resumeBufferSize == 0 || resumeBufferSize < -1) throw new IllegalArgumentException("--resume-buffer must be >= 1");
    if (connectProxy && !targets.isEmpty()) throw new IllegalArgumentException("--connect-proxy configures in-process nodes: not with --target");
    if (backoffMinMs < 1 || backoffMaxMs < backoffMinMs) throw new IllegalArgumentException("need 1 <= --backoff-min-ms <= --backoff-max-ms");
    boolean kills = scenario == Scenario.NODE_KILL || scenario == Scenario.ROLLING_RESTART;
    if (kills && !targets.isEmpty()) {
      throw new IllegalArgumentException("--scenario " + scenario.flag() + " needs in-process nodes: stop/restart a --target node yourself (see loadtest/README.md)");
    }
    if (balancerProcesses < 0) throw new IllegalArgumentException("--balancer-processes must be >= 0");
    if (kills && balancerProcesses > 0) {
      throw new IllegalArgumentException("--scenario " + scenario.flag() + " steers the balancer per node: not with --balancer-processes");
    }
    if (!balancerUrls.isEmpty() || reloadCommand != null) {
      if (balancerUrls.isEmpty() || reloadCommand == null) throw new IllegalArgumentException("--balancer-url and --reload-command go together");
      if (balancerProcesses > 0) throw new IllegalArgumentException("--balancer-url names balancers run elsewhere: not with --balancer-processes");
      if (kills) throw new IllegalArgumentException("--scenario " + scenario.flag() + " steers the balancer per node: not with --balancer-url");
    }
    if (timeoutMs < 1) throw new IllegalArgumentException("--timeout-ms must be >= 1");
    if (targetPid > 0 && targets.isEmpty()) throw new IllegalArgumentException("--target-pid needs --target");
    if (scenario == Scenario.NODE_KILL && nodes < 2) {
      throw new IllegalArgumentException("--scenario node-kill needs --nodes >= 2 (the clients need a node to fail over to)");
    }
    return this;
  }

  /** Parses command-line flags (see {@link #usage()}). */
  public static MassReconnectOptions parse(String[] args) {
    MassReconnectOptions o = new MassReconnectOptions();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--strict")) {
        o.strict = true;
        continue;
      }
      if (flag.equals("--resume")) {
        o.resume = true;
        continue;
      }
      if (flag.equals("--connect-proxy")) {
        o.connectProxy = true;
        continue;
      }
      if (i + 1 >= args.length) throw new IllegalArgumentException(flag + " needs a value");
      String v = args[++i];
      switch (flag) {
        case "--nodes" -> o.nodes = Integer.parseInt(v);
        case "--target" -> o.targets = Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        case "--scenario" -> o.scenario = Scenario.parse(v);
        case "--clients" -> o.clients = Integer.parseInt(v);
        case "--rate" -> o.rate = Integer.parseInt(v);
        case "--shared-every" -> o.sharedEvery = Integer.parseInt(v);
        case "--warmup-s" -> o.warmupS = Integer.parseInt(v);
        case "--after-s" -> o.afterS = Integer.parseInt(v);
        case "--refuse-ms" -> o.refuseMs = Integer.parseInt(v);
        case "--backoff-min-ms" -> o.backoffMinMs = Integer.parseInt(v);
        case "--backoff-max-ms" -> o.backoffMaxMs = Integer.parseInt(v);
        case "--history-size" -> o.historySize = Integer.parseInt(v);
        case "--quiesce-s" -> o.quiesceS = Integer.parseInt(v);
        case "--connect-concurrency" -> o.connectConcurrency = Integer.parseInt(v);
        case "--publish-inflight" -> o.publishInflight = Integer.parseInt(v);
        case "--event-loops" -> o.eventLoops = Integer.parseInt(v);
        case "--balancer-processes" -> o.balancerProcesses = Integer.parseInt(v);
        case "--balancer-url" -> o.balancerUrls = Arrays.stream(v.split(",")).map(String::trim).filter(u -> !u.isEmpty()).toList();
        case "--reload-command" -> o.reloadCommand = v;
        case "--target-pid" -> o.targetPid = Long.parseLong(v);
        case "--timeout-ms" -> o.timeoutMs = Integer.parseInt(v);
        case "--resume-window-s" -> o.resumeWindowS = Integer.parseInt(v);
        case "--resume-buffer" -> o.resumeBufferSize = Integer.parseInt(v);
        case "--secret" -> o.secret = v;
        case "--api-key" -> o.apiKey = v;
        case "--out" -> o.out = Path.of(v);
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    return o.validate();
  }

  public static String usage() {
    return """
        usage: java -jar target/rebound-loadtest.jar reconnect [options]
          --scenario S          reload | node-kill | rolling-restart | history-overflow   (reload)
          --nodes N             in-process nodes; N>1 = engine hazelcast                  (1)
          --target H:P[,H:P]    use running nodes instead (secret/api key must match)
          --target-pid PID      with --target: sample that process's CPU as the broker's
          --balancer-processes B   run the balancer as B processes of their own, client i through
                                balancer i mod B (reload/history-overflow); 0 = in this JVM    (0)
          --balancer-url U[,U]  balancers run elsewhere (e.g. HAProxy in front of --target), client i through
                                U i mod n; needs --reload-command (reload/history-overflow)
          --reload-command CMD  with --balancer-url: run by sh -c at the disruption, e.g. a script that
                                restarts those balancers; the run waits for it to exit
          --clients C           WebSocket clients, each on personal:#<user> + one shared   (10000)
          --rate R              publications/s over the HTTP API                           (200)
          --shared-every K      every K-th publication goes to the shared channel          (50)
          --warmup-s S / --after-s S   seconds before / after the disruption               (5 / 10)
          --refuse-ms MS        balancer refuses connections this long after a reload      (500; 4000 history-overflow)
          --backoff-min-ms / --backoff-max-ms   client full-jitter reconnect backoff       (100 / 2000)
          --timeout-ms MS       clients' connect-reply and command-reply timeout (SDK default) (5000)
          --history-size N      namespaces' history_size                                  (1000; 2 history-overflow)
          --quiesce-s S         max wait for the last deliveries after publishing stops    (30)
          --connect-concurrency N / --publish-inflight N / --event-loops N                 (500 / 64 / 2)
          --resume              clients ask for session resume; after a cut they resume (no resubscribe,
                                missed messages resent from the session buffer); refused = recovery
          --resume-window-s S   resume window the clients ask for                          (60)
          --connect-proxy       clients connect without a token: the in-process nodes ask a connect hook
                                (proxy_connect_endpoint) served by this tool, which counts its calls
          --resume-buffer N     in-process nodes' client_resume_buffer_size    (rate x outage, min 1024)
          --secret S / --api-key K                                                         (bench-secret / bench-key)
          --out DIR             result.json + report.html                                  (loadtest/out/<timestamp>)
          --strict              exit 3 if lost > 0, duplicates > 0, or (reload) recovered < 100 %
                                (resumed subscriptions count as recovered)
        """;
  }
}
