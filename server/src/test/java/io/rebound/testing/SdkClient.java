package io.rebound.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real centrifuge-js client in a Node.js child process, driven by a scenario script under
 * {@code src/test/js} (usually {@code driver.mjs}). The script prints one JSON event per line; this
 * class collects them and lets a test wait for conditions on them, and sends the script one-line
 * commands on stdin, so the Java test decides every step's timing. The process is killed on {@link
 * #close()}.
 *
 * <p>The {@code node} executable is taken from the system property {@code node.executable}, else
 * from the PATH; the script's stderr goes to {@code target/e2e-sdk/<name>.log}.
 */
public final class SdkClient implements AutoCloseable {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path JS_DIR = Path.of("src", "test", "js");

  private final String name;
  private final Process process;
  private final Writer stdin;
  private final Path stderrLog;
  private final List<JsonNode> events = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private SdkClient(String name, Process process, Path stderrLog) {
    this.name = name;
    this.process = process;
    this.stderrLog = stderrLog;
    this.stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.reader = new Thread(this::readEvents, "sdk-" + name);
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /**
   * Starts {@code driver.mjs} against {@code node}: connects with {@code token} and subscribes to
   * {@code channels}; with {@code askForTokens} the SDK gets a getToken callback answered with
   * {@link #send(String) send("token <jwt>")}.
   */
  public static SdkClient driver(String name, RunningNode node, String token, List<String> channels, boolean askForTokens) {
    return start(name, "driver.mjs", List.of(), Map.of(
        "REBOUND_URL", node.wsUrl(),
        "REBOUND_TOKEN", token == null ? "" : token,
        "REBOUND_CHANNELS", String.join(",", channels),
        "REBOUND_GET_TOKEN", askForTokens ? "1" : "0"));
  }

  /**
   * Starts {@code driver.mjs} against the node at {@code wsUrl} (a proxy's, say) trying {@code
   * transports} in order ({@code websocket}, {@code http_stream}, {@code sse}: the SDK's fallback
   * list), connecting with {@code token} and subscribed to {@code channels}.
   */
  public static SdkClient driver(String name, String wsUrl, List<String> transports, String token, List<String> channels) {
    return driver(name, wsUrl, transports, "json", token, channels);
  }

  /**
   * Starts {@code driver.mjs} against the WebSocket endpoint {@code url} (a proxy's, say) with the
   * SDK build of {@code format} ("json" or "protobuf"), connecting with {@code token} and subscribing to
   * {@code channels}.
   */
  public static SdkClient driver(String name, String url, String format, String token, List<String> channels) {
    return driver(name, url, List.of(), format, token, channels);
  }

  /**
   * Starts {@code driver.mjs} against the node at {@code wsUrl} (a proxy's, say) with the SDK build
   * of {@code format} ("json" or "protobuf") trying {@code transports} in order (empty: the
   * WebSocket alone), connecting with {@code token} and subscribed to {@code channels}.
   */
  public static SdkClient driver(String name, String wsUrl, List<String> transports, String format, String token, List<String> channels) {
    return start(name, "driver.mjs", List.of(), Map.of(
        "REBOUND_URL", wsUrl,
        "REBOUND_TRANSPORTS", String.join(",", transports),
        "REBOUND_FORMAT", format,
        "REBOUND_TOKEN", token == null ? "" : token,
        "REBOUND_CHANNELS", String.join(",", channels),
        "REBOUND_GET_TOKEN", "0"));
  }

  /** Starts {@code src/test/js/<script>} with {@code args} and extra environment {@code env}. */
  public static SdkClient start(String name, String script, List<String> args, Map<String, String> env) {
    Path dir = JS_DIR.toAbsolutePath();
    if (!Files.isDirectory(dir.resolve("node_modules"))) {
      throw new IllegalStateException(dir.resolve("node_modules") + " is missing: run the Maven build (npm ci) first");
    }
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("node.executable", "node"));
    command.add(script);
    command.addAll(args);
    try {
      Path logs = Files.createDirectories(Path.of("target", "e2e-sdk"));
      Path stderr = logs.resolve(name + ".log");
      ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
          .redirectError(ProcessBuilder.Redirect.to(stderr.toFile()));
      pb.environment().putAll(env);
      return new SdkClient(name, pb.start(), stderr);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  private void readEvents() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) continue;
        try {
          events.add(JSON.readTree(line));
        } catch (IOException e) {
          events.add(JSON.createObjectNode().put("event", "unparsable").put("line", line));
        }
      }
    } catch (IOException e) {
      // The process ended; waits notice through isAlive().
    }
  }

  /** Sends one command line to the script (see driver.mjs for the commands). */
  public void send(String command) {
    try {
      stdin.write(command + "\n");
      stdin.flush();
    } catch (IOException e) {
      throw new AssertionError("[" + name + "] cannot send '" + command + "': " + e + describe(), e);
    }
  }

  /** Every event so far, in arrival order. */
  public List<JsonNode> events() {
    return List.copyOf(events);
  }

  /** The number of events so far: a mark to wait for events after it. */
  public int mark() {
    return events.size();
  }

  /** The events matching {@code filter}, in arrival order. */
  public List<JsonNode> events(Predicate<JsonNode> filter) {
    return events.stream().filter(filter).toList();
  }

  /** Waits until {@code condition} holds on all events so far. */
  public void until(String what, Predicate<List<JsonNode>> condition) {
    until(what, DEFAULT_TIMEOUT, condition);
  }

  /** Waits up to {@code timeout} until {@code condition} holds on all events so far. */
  public void until(String what, Duration timeout, Predicate<List<JsonNode>> condition) {
    try {
      Await.until(what, timeout, () -> {
        if (condition.test(events())) return true;
        if (!process.isAlive() && !reader.isAlive() && !condition.test(events())) {
          throw new AssertionError("[" + name + "] script exited with " + process.exitValue()
              + " before: " + what + describe());
        }
        return false;
      });
    } catch (AssertionError e) {
      if (e.getMessage() != null && e.getMessage().contains(" script exited ")) throw e;
      askForState();
      throw new AssertionError("[" + name + "] " + e.getMessage() + describe(), e);
    }
  }

  /**
   * On a failed wait: asks the script for its state (the SDK's, and the socket under it) and waits a
   * little for the answer, so that the failure says whether the connection had ended under the SDK.
   * Best effort: a script that does not answer leaves the message without it.
   */
  private void askForState() {
    if (!process.isAlive()) return;
    int from = events.size();
    try {
      send("state");
      Await.until("state of " + name, Duration.ofSeconds(3),
          () -> events().stream().skip(from).anyMatch(is("client", "state")));
    } catch (AssertionError ignored) {
      // diagnostics only
    }
  }

  /** Waits for the first event at index {@code >= from} matching {@code filter}, and returns it. */
  public JsonNode await(String what, int from, Predicate<JsonNode> filter) {
    JsonNode[] found = new JsonNode[1];
    until(what, all -> {
      for (int i = from; i < all.size(); i++) {
        if (filter.test(all.get(i))) {
          found[0] = all.get(i);
          return true;
        }
      }
      return false;
    });
    return found[0];
  }

  /** Waits for the first event matching {@code filter}, and returns it. */
  public JsonNode await(String what, Predicate<JsonNode> filter) {
    return await(what, 0, filter);
  }

  /** A filter for events named {@code event} in {@code scope} ("client" or "sub"). */
  public static Predicate<JsonNode> is(String scope, String event) {
    return e -> event.equals(e.path("event").asText()) && scope.equals(e.path("scope").asText());
  }

  /** A filter for events named {@code event} in {@code scope} about {@code channel}. */
  public static Predicate<JsonNode> is(String scope, String event, String channel) {
    return is(scope, event).and(e -> channel.equals(e.path("channel").asText()));
  }

  /** The publication events of {@code channel} in {@code scope}, in arrival order. */
  public List<JsonNode> publications(String scope, String channel) {
    return events(is(scope, "publication", channel));
  }

  /** The recent events and the script's stderr, for failure messages. */
  public String describe() {
    List<JsonNode> all = events();
    StringBuilder sb = new StringBuilder("\n--- last events of ").append(name).append(" (").append(all.size()).append(" in all) ---\n");
    for (JsonNode e : all.subList(Math.max(0, all.size() - 40), all.size())) sb.append(e).append('\n');
    try {
      if (Files.exists(stderrLog)) {
        String err = Files.readString(stderrLog);
        if (!err.isBlank()) sb.append("--- stderr ---\n").append(err.length() > 4000 ? err.substring(err.length() - 4000) : err);
      }
    } catch (IOException ignored) {
      // best effort
    }
    return sb.toString();
  }

  /** Asks the script to exit, then kills it if it has not within a few seconds; keeps the events in {@code target/e2e-sdk/<name>.events.jsonl}. */
  @Override
  public void close() {
    try {
      Files.write(stderrLog.resolveSibling(name + ".events.jsonl"), events().stream().map(JsonNode::toString).toList());
    } catch (IOException ignored) {
      // diagnostics only
    }
    try {
      if (process.isAlive()) {
        try {
          send("exit");
        } catch (AssertionError ignored) {
          // stdin already closed
        }
        if (!process.waitFor(3, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
