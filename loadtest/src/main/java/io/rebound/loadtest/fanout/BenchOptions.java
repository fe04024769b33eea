package io.rebound.loadtest.fanout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command-line options of {@link FanoutBenchmark}. Parsed once, validated, immutable.
 *
 * @param urls WebSocket endpoints; subscriber {@code i} connects to {@code urls[i % size]}
 * @param apis HTTP API prefixes ({@code .../api}); publication {@code k} goes to {@code apis[k % size]}
 */
public record BenchOptions(
    List<String> urls,
    List<String> apis,
    String apiKey,
    String token,
    String secret,
    String channel,
    int subscribers,
    int publications,
    int inflight,
    int payloadBytes,
    int connectConcurrency,
    int timeoutSeconds,
    int runs,
    int eventLoops,
    boolean json,
    boolean strict,
    String printTokenUser) {

  public static final String DEFAULT_URL = "ws://127.0.0.1:8000/connection/websocket";
  public static final String DEFAULT_API = "http://127.0.0.1:8000/api";
  public static final String DEFAULT_API_KEY = "bench-key";
  public static final String DEFAULT_CHANNEL = "chat:bench";
  public static final int DEFAULT_SUBSCRIBERS = 1000;
  public static final int DEFAULT_PUBLICATIONS = 2000;
  public static final int DEFAULT_INFLIGHT = 16;
  public static final int DEFAULT_PAYLOAD_BYTES = 64;
  public static final int DEFAULT_CONNECT_CONCURRENCY = 200;
  public static final int DEFAULT_TIMEOUT_SECONDS = 30;
  /** Lifetime of tokens minted with {@code --secret}. */
  public static final long TOKEN_TTL_SECONDS = 3600;

  public static final String USAGE = String.join("\n",
      "usage: java -jar target/rebound-loadtest.jar fanout [options]",
      "  --url WS[,WS...]            WebSocket endpoint(s); subscribers round-robin (default " + DEFAULT_URL + ")",
      "  --api URL[,URL...]          HTTP API prefix(es); publishes round-robin (default " + DEFAULT_API + ")",
      "  --api-key KEY               X-API-Key header (default " + DEFAULT_API_KEY + ")",
      "  --token TOKEN | --secret S  connection token used as-is, or HMAC secret to mint one per user bench-<i>",
      "  --channel CH                (default " + DEFAULT_CHANNEL + ")",
      "  --subscribers N             (default " + DEFAULT_SUBSCRIBERS + ")",
      "  --publications M            per run (default " + DEFAULT_PUBLICATIONS + ")",
      "  --inflight W                concurrent publish requests (default " + DEFAULT_INFLIGHT + ")",
      "  --payload-bytes B           filler bytes per publication (default " + DEFAULT_PAYLOAD_BYTES + ")",
      "  --connect-concurrency C     concurrent connection handshakes (default " + DEFAULT_CONNECT_CONCURRENCY + ")",
      "  --timeout S                 seconds to wait for all deliveries after publishing (default " + DEFAULT_TIMEOUT_SECONDS + ")",
      "  --runs K                    measurements on the same connections; prints each and the median (default 1)",
      "  --event-loops E             Vert.x event loops / subscriber shards (default: available processors)",
      "  --json                      one JSON line per run plus a summary line",
      "  --strict                    exit 3 if anything was lost, duplicated or failed to publish",
      "  --print-token USER          print a token for USER minted with --secret and exit");

  /** Parses {@code args}; throws {@link IllegalArgumentException} with a readable message on bad input. */
  public static BenchOptions parse(String[] args) {
    Builder b = new Builder();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      switch (flag) {
        case "--json" -> b.json = true;
        case "--strict" -> b.strict = true;
        case "-h", "--help" -> throw new IllegalArgumentException(USAGE);
        default -> {
          if (i + 1 >= args.length) throw new IllegalArgumentException("missing value for " + flag);
          b.set(flag, args[++i]);
        }
      }
    }
    return b.build();
  }

  private static final class Builder {
    List<String> urls = List.of(DEFAULT_URL);
    List<String> apis = List.of(DEFAULT_API);
    String apiKey = DEFAULT_API_KEY;
    String token;
    String secret;
    String channel = DEFAULT_CHANNEL;
    int subscribers = DEFAULT_SUBSCRIBERS;
    int publications = DEFAULT_PUBLICATIONS;
    int inflight = DEFAULT_INFLIGHT;
    int payloadBytes = DEFAULT_PAYLOAD_BYTES;
    int connectConcurrency = DEFAULT_CONNECT_CONCURRENCY;
    int timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
    int runs = 1;
    int eventLoops = Runtime.getRuntime().availableProcessors();
    boolean json;
    boolean strict;
    String printTokenUser;

    void set(String flag, String v) {
      switch (flag) {
        case "--url" -> urls = list(flag, v);
        case "--api" -> apis = list(flag, v).stream().map(Builder::stripSlash).toList();
        case "--api-key" -> apiKey = v;
        case "--token" -> token = v;
        case "--secret" -> secret = v;
        case "--channel" -> channel = v;
        case "--subscribers" -> subscribers = positive(flag, v, 0);
        case "--publications" -> publications = positive(flag, v, 1);
        case "--inflight" -> inflight = positive(flag, v, 1);
        case "--payload-bytes" -> payloadBytes = positive(flag, v, 0);
        case "--connect-concurrency" -> connectConcurrency = positive(flag, v, 1);
        case "--timeout" -> timeoutSeconds = positive(flag, v, 1);
        case "--runs" -> runs = positive(flag, v, 1);
        case "--event-loops" -> eventLoops = positive(flag, v, 1);
        case "--print-token" -> printTokenUser = v;
        default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
      }
    }

    BenchOptions build() {
      if (token != null && secret != null) throw new IllegalArgumentException("give --token or --secret, not both");
      if (printTokenUser != null && secret == null) throw new IllegalArgumentException("--print-token needs --secret");
      if (token == null && secret == null) throw new IllegalArgumentException("give --token TOKEN or --secret HMAC_SECRET");
      return new BenchOptions(urls, apis, apiKey, token, secret, channel, subscribers, publications, inflight,
          payloadBytes, connectConcurrency, timeoutSeconds, runs, eventLoops, json, strict, printTokenUser);
    }

    private static List<String> list(String flag, String v) {
      List<String> out = new ArrayList<>();
      Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
      if (out.isEmpty()) throw new IllegalArgumentException(flag + " needs at least one address");
      return List.copyOf(out);
    }

    private static String stripSlash(String s) {
      return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static int positive(String flag, String v, int min) {
      try {
        int n = Integer.parseInt(v);
        if (n < min) throw new IllegalArgumentException(flag + " must be >= " + min + ": " + v);
        return n;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + " needs a number: " + v);
      }
    }
  }
}
