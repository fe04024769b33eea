package io.rebound.loadtest.verify;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Options of the live verifier: mutable, with {@code DEFAULT_*} constants, parsed from flags by {@link #parse}. The API
 * key and the token secret may come from the environment ({@code REBOUND_API_KEY}, {@code REBOUND_TOKEN_HMAC_SECRET_KEY},
 * the broker's own override variables), so they need not appear on a command line.
 */
public final class VerifyOptions {

  public static final String DEFAULT_NAMESPACE = "chat";
  public static final int DEFAULT_CHANNELS = 4;
  public static final int DEFAULT_CLIENTS = 6;
  public static final int DEFAULT_RATE = 5;
  public static final int DEFAULT_DURATION_S = 120;
  public static final int DEFAULT_QUIESCE_S = 60;
  public static final int DEFAULT_SUBSCRIBE_TIMEOUT_S = 30;
  public static final int DEFAULT_BACKOFF_MAX_MS = 5000;
  /** Findings written to result.json and report.html (the counts always cover all of them). */
  public static final int MAX_FINDINGS_REPORTED = 500;

  /** host:port of nodes or of the balancer in front of them (WebSocket and HTTP API on the same port). */
  public List<String> targets = new ArrayList<>();
  public boolean tls;
  public String apiKey;
  /** The broker's token_hmac_secret_key: the clients' connection and subscription tokens are signed with it. */
  public String secret;
  /** A namespace with history and recovery: the channels are {@code <namespace>:verify-<run>-<i>}. */
  public String namespace = DEFAULT_NAMESPACE;
  public int channels = DEFAULT_CHANNELS;
  /** Clients, each subscribed to every channel. */
  public int clients = DEFAULT_CLIENTS;
  /** Publications per second per channel. */
  public int rate = DEFAULT_RATE;
  /** Seconds of publishing; 0 = until Enter is pressed. */
  public int durationS = DEFAULT_DURATION_S;
  /** Most seconds to wait after publishing for the last publication to reach every subscriber. */
  public int quiesceS = DEFAULT_QUIESCE_S;
  public int subscribeTimeoutS = DEFAULT_SUBSCRIBE_TIMEOUT_S;
  public int backoffMaxMs = DEFAULT_BACKOFF_MAX_MS;
  /** Clients ask for session resume (else they recover per channel, as centrifuge-js does). */
  public boolean resume;
  /** Self-test: the clients drop every N-th publication before recording it (0 = never), so the verdict must name losses. */
  public int dropEvery;
  /** Explicit losses ({@code recovered: false}) fail the run too. */
  public boolean strict;
  public Path out;

  public VerifyOptions targets(String... t) { targets = List.of(t); return this; }
  public VerifyOptions apiKey(String k) { apiKey = k; return this; }
  public VerifyOptions secret(String s) { secret = s; return this; }
  public VerifyOptions namespace(String ns) { namespace = ns; return this; }
  public VerifyOptions channels(int n) { channels = n; return this; }
  public VerifyOptions clients(int n) { clients = n; return this; }
  public VerifyOptions rate(int r) { rate = r; return this; }
  public VerifyOptions durationS(int s) { durationS = s; return this; }
  public VerifyOptions quiesceS(int s) { quiesceS = s; return this; }
  public VerifyOptions dropEvery(int n) { dropEvery = n; return this; }
  public VerifyOptions backoffMaxMs(int ms) { backoffMaxMs = ms; return this; }
  public VerifyOptions out(Path p) { out = p; return this; }

  /** Where result.json, report.html and observations.json go. */
  public Path effectiveOut() {
    if (out != null) return out;
    return Path.of("verify-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
  }

  /** Deliveries recorded (one small object each, about 60 bytes): what the run keeps in memory. */
  public long expectedDeliveries() {
    long seconds = durationS == 0 ? 3600 : durationS;
    return (long) channels * clients * rate * seconds;
  }

  /** Checks what cannot work; throws IllegalArgumentException naming the flag. */
  public VerifyOptions validate() {
    if (targets.isEmpty()) throw new IllegalArgumentException("--target is required (host:port of the nodes or of their balancer)");
    for (String t : targets) {
      if (!t.matches("[^:/\\s]+:\\d{1,5}")) throw new IllegalArgumentException("--target " + t + " is not host:port");
    }
    if (apiKey == null || apiKey.isEmpty()) throw new IllegalArgumentException("--api-key is required (or REBOUND_API_KEY)");
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("--secret is required: the broker's token_hmac_secret_key (or REBOUND_TOKEN_HMAC_SECRET_KEY)");
    }
    if (!namespace.matches("[-a-zA-Z0-9_.]{2,}")) throw new IllegalArgumentException("--namespace " + namespace + " is not a namespace name");
    if (channels < 1 || clients < 1 || rate < 1) throw new IllegalArgumentException("--channels, --clients and --rate must be >= 1");
    if (durationS < 0 || quiesceS < 1 || subscribeTimeoutS < 1) throw new IllegalArgumentException("durations must be positive");
    if (dropEvery < 0 || dropEvery == 1) throw new IllegalArgumentException("--drop-every must be 0 (off) or >= 2");
    return this;
  }

  /** Parses flags (see {@link #usage()}); {@code env} supplies the API key and secret when the flags do not. */
  public static VerifyOptions parse(String[] args, Map<String, String> env) {
    VerifyOptions o = new VerifyOptions();
    o.apiKey = env.get("REBOUND_API_KEY");
    o.secret = env.get("REBOUND_TOKEN_HMAC_SECRET_KEY");
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      switch (flag) {
        case "--tls" -> o.tls = true;
        case "--resume" -> o.resume = true;
        case "--strict" -> o.strict = true;
        default -> {
          if (i + 1 >= args.length) throw new IllegalArgumentException(flag + " needs a value");
          String v = args[++i];
          switch (flag) {
            case "--target" -> o.targets = Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            case "--api-key" -> o.apiKey = v;
            case "--secret" -> o.secret = v;
            case "--namespace" -> o.namespace = v;
            case "--channels" -> o.channels = integer(flag, v);
            case "--clients" -> o.clients = integer(flag, v);
            case "--rate" -> o.rate = integer(flag, v);
            case "--duration-s" -> o.durationS = integer(flag, v);
            case "--quiesce-s" -> o.quiesceS = integer(flag, v);
            case "--subscribe-timeout-s" -> o.subscribeTimeoutS = integer(flag, v);
            case "--backoff-max-ms" -> o.backoffMaxMs = integer(flag, v);
            case "--drop-every" -> o.dropEvery = integer(flag, v);
            case "--out" -> o.out = Path.of(v);
            default -> throw new IllegalArgumentException("unknown option " + flag);
          }
        }
      }
    }
    return o.validate();
  }

  private static int integer(String flag, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs a number, got " + v);
    }
  }

  public static String usage() {
    return """
        usage: java -jar target/rebound-loadtest.jar verify --target H:P[,H:P] --api-key K --secret S [options]
          Run it against your cluster, then restart nodes or reload the balancer; the verdict says whether any
          acknowledged publication was lost, duplicated or reordered without the clients being told.
          --target H:P[,H:P]    nodes or their balancer (WebSocket /connection/websocket and API /api on that port)
          --tls                 wss:// and https://
          --api-key K           server API key                              (or REBOUND_API_KEY)
          --secret S            token_hmac_secret_key, to sign client tokens (or REBOUND_TOKEN_HMAC_SECRET_KEY)
          --namespace NS        namespace with history and recovery          (chat)
          --channels N          channels NS:verify-<run>-<i>                  (4)
          --clients N           SDK clients, each subscribed to every channel (6)
          --rate R              publications per second per channel          (5)
          --duration-s S        seconds of publishing; 0 = until Enter       (120)
          --quiesce-s S         most seconds to wait for the last deliveries (60)
          --subscribe-timeout-s S   most seconds for all clients to subscribe at the start (30)
          --backoff-max-ms MS   clients' longest reconnect delay              (5000)
          --resume              clients ask for session resume (default: per-channel recovery, like centrifuge-js)
          --drop-every N        self-test: clients drop every N-th publication before recording it
          --strict              recovered:false (explicit loss) fails the run too
          --out DIR             result.json, report.html, observations.json  (verify-<timestamp>)
          Exit status: 0 clean, 3 defects found (or explicit losses with --strict), 1 could not run, 2 bad options.
        Re-check a recording: java -jar target/rebound-loadtest.jar verify --check DIR/observations.json
        """;
  }
}
