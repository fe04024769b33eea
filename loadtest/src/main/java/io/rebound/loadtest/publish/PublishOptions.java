package io.rebound.loadtest.publish;

/**
 * Command-line options of {@link PublishBench}. Parsed once, validated, immutable.
 *
 * @param api the HTTP API prefix ({@code http://host:port/api})
 * @param channels publication {@code k} goes to channel {@code <channel>-<k % channels>}; 1 means {@code <channel>} itself
 * @param serverPid the server's process id, or 0: with it, the server's CPU time (utime+stime from
 *     {@code /proc/<pid>/stat}) during each run is reported as CPU microseconds per publish
 */
record PublishOptions(String api, String apiKey, String channel, int channels, int publications, int inflight,
    int payloadBytes, int runs, int warmup, long serverPid) {

  static final String USAGE = String.join("\n",
      "usage: java -jar target/rebound-loadtest.jar publish [options]",
      "  --api URL            HTTP API prefix (default http://127.0.0.1:8000/api)",
      "  --api-key KEY        X-API-Key header (default bench-key)",
      "  --channel CH         channel, or channel prefix with --channels > 1 (default chat:pub)",
      "  --channels N         spread publications over N channels CH-0..CH-(N-1) (default 1)",
      "  --publications M     publishes per run (default 50000)",
      "  --inflight W         concurrent requests, one HTTP connection each (default 64)",
      "  --payload-bytes B    filler bytes in each publication's data (default 64)",
      "  --warmup M           publishes before the measured runs, not reported (default 20000)",
      "  --runs K             measured runs; each printed, then the median (default 3)",
      "  --server-pid PID     report the server's CPU time per publish (Linux /proc)");

  static PublishOptions parse(String[] args) {
    String api = "http://127.0.0.1:8000/api";
    String key = "bench-key";
    String channel = "chat:pub";
    int channels = 1;
    int publications = 50_000;
    int inflight = 64;
    int payload = 64;
    int runs = 3;
    int warmup = 20_000;
    long pid = 0;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("-h") || flag.equals("--help")) throw new IllegalArgumentException(USAGE);
      if (i + 1 >= args.length) throw new IllegalArgumentException("missing value for " + flag + "\n" + USAGE);
      String value = args[++i];
      switch (flag) {
        case "--api" -> api = value;
        case "--api-key" -> key = value;
        case "--channel" -> channel = value;
        case "--channels" -> channels = positive(flag, value);
        case "--publications" -> publications = positive(flag, value);
        case "--inflight" -> inflight = positive(flag, value);
        case "--payload-bytes" -> payload = Integer.parseInt(value);
        case "--runs" -> runs = positive(flag, value);
        case "--warmup" -> warmup = Integer.parseInt(value);
        case "--server-pid" -> pid = Long.parseLong(value);
        default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
      }
    }
    return new PublishOptions(api, key, channel, channels, publications, inflight, payload, runs, warmup, pid);
  }

  /** The channel of publication {@code k}. */
  String channelOf(int k) {
    return channels == 1 ? channel : channel + "-" + (k % channels);
  }

  private static int positive(String flag, String value) {
    int n = Integer.parseInt(value);
    if (n <= 0) throw new IllegalArgumentException(flag + " must be positive");
    return n;
  }
}
