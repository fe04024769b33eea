package io.rebound.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker node in its own JVM process ({@code java -cp target/rebound.jar io.rebound.Main}, the jar at the repository root), for
 * tests that kill nodes for real: {@link #kill()} is {@code kill -9}, {@link #stop()} is SIGTERM
 * (the node's graceful shutdown), {@link #start()} starts it again on the same HTTP port. Output
 * goes to {@code target/cluster-it/<name>-<n>.log}, one file per start.
 */
public final class NodeProcess implements AutoCloseable {

  /** Flags Hazelcast wants on Java 17; {@code java -jar} would take them from the manifest, {@code -cp} does not. */
  public static final List<String> HAZELCAST_FLAGS = List.of("--add-modules", "java.se",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private static final int LOG_TAIL = 40;

  private final String name;
  private final int port;
  private final int accessPort;
  private final List<String> launcher;
  private final Path config;
  private final Path clusterXml;
  private final Path workDir;
  private final ApiClient http;
  private Process process;
  private int starts;
  private Path log;
  private volatile String lastHealth = "not asked yet";

  /**
   * A node named {@code name} serving HTTP on {@code port} from the broker config file {@code
   * config} and the Hazelcast member config {@code clusterXml}; not started yet.
   */
  public NodeProcess(String name, int port, Path config, Path clusterXml, String apiKey) {
    this(name, port, port, List.of(), config, clusterXml, apiKey);
  }

  /**
   * A node listening on {@code port} where it runs, which the test reaches on {@code accessPort} of this host (a relay
   * into another network namespace, see {@link NetworkLab}), started with {@code launcher} in front of the java command
   * (e.g. {@code ip netns exec <namespace>}; that program must exec the command, so the process is the JVM itself).
   */
  public NodeProcess(String name, int port, int accessPort, List<String> launcher, Path config, Path clusterXml, String apiKey) {
    this.name = name;
    this.port = port;
    this.accessPort = accessPort;
    this.launcher = List.copyOf(launcher);
    this.config = config;
    this.clusterXml = clusterXml;
    this.workDir = config.getParent();
    this.http = new ApiClient(accessPort, apiKey);
  }

  public String name() {
    return name;
  }

  /** The port the test reaches the node's HTTP/WebSocket server on. */
  public int port() {
    return accessPort;
  }

  /** The node's HTTP API. */
  public ApiClient api() {
    return http;
  }

  /** Starts the process; returns at once (see {@link #health()} for readiness). */
  public synchronized void start() {
    if (process != null && process.isAlive()) throw new IllegalStateException(name + " is already running");
    // failsafe passes the root's target/rebound.jar (the server module shades it there); the fallback serves an IDE run from the module.
    Path jar = Path.of(System.getProperty("rebound.jar", "../target/rebound.jar")).toAbsolutePath().normalize();
    if (!Files.exists(jar)) throw new IllegalStateException(jar + " is missing: run mvn verify (failsafe runs after package)");
    List<String> cmd = new ArrayList<>(launcher);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError"));
    cmd.addAll(HAZELCAST_FLAGS);
    cmd.add("-Dvertx.hazelcast.config=" + clusterXml.toAbsolutePath());
    cmd.add("-Dvertx.disableFileCPResolving=true");
    cmd.addAll(List.of("-cp", jar.toString(), "io.rebound.Main", "--config", config.toAbsolutePath().toString(),
        "--port", Integer.toString(port)));
    try {
      Path logs = Files.createDirectories(Path.of("target", "cluster-it"));
      log = logs.resolve(name + "-" + (++starts) + ".log");
      process = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /** {@code kill -9}: no shutdown hook, no goodbye to the cluster. Returns when the process is gone. */
  public synchronized void kill() {
    if (process == null) return;
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(10));
  }

  /** SIGTERM: the node's graceful shutdown (clients told to reconnect, Hazelcast leaves). Returns when the process is gone. */
  public synchronized void stop() {
    if (process == null) return;
    process.destroy();
    if (!waitFor(Duration.ofSeconds(40))) {
      process.destroyForcibly();
      waitFor(Duration.ofSeconds(10));
      throw new AssertionError(name + " did not stop within 40 s of SIGTERM");
    }
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** {@code GET /health}, or null while the node does not answer. */
  public JsonNode health() {
    if (!isAlive()) return null;
    try {
      ApiClient.Response r = http.get("/health");
      lastHealth = r.status() + " " + r.body();
      return r.status() == 200 ? r.body() : null;
    } catch (AssertionError notListening) {
      lastHealth = "no answer: " + notListening.getMessage();
      return null;
    }
  }

  /**
   * Waits until {@link #healthy} holds. Fails at once when the process has exited, and on either failure says what
   * the node last answered and how its log ends: a start that fails on a build machine is then explained by the
   * test output itself (the node's log file stays behind on that machine).
   */
  public void awaitHealthy(int members, boolean safe, Duration timeout) {
    String what = name + " /health shows " + members + " members" + (safe ? ", safe" : "");
    try {
      Await.until(what, timeout, () -> {
        if (healthy(members, safe)) return true;
        if (process != null && !process.isAlive()) throw new AssertionError(name + " exited with code " + process.exitValue());
        return false;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + diagnosis(), e);
    }
  }

  /** Whether the process runs, its last /health answer and the last lines of its current log. */
  public String diagnosis() {
    StringBuilder out = new StringBuilder(name).append(": ")
        .append(process == null ? "never started" : process.isAlive() ? "running" : "exited with code " + process.exitValue())
        .append(", last /health: ").append(lastHealth);
    if (log != null) {
      try {
        List<String> lines = Files.readAllLines(log);
        out.append("\n--- last lines of ").append(log).append(" ---\n");
        lines.subList(Math.max(0, lines.size() - LOG_TAIL), lines.size()).forEach(l -> out.append(l).append('\n'));
      } catch (IOException | UncheckedIOException e) {
        out.append(" (log unreadable: ").append(e).append(')');
      }
    }
    return out.toString();
  }

  /** Whether {@code /health} shows {@code members} cluster members (and, with {@code safe}, a safe cluster). */
  public boolean healthy(int members, boolean safe) {
    JsonNode h = health();
    if (h == null) return false;
    JsonNode c = h.path("cluster");
    return c.path("members").asInt() == members && (!safe || c.path("safe").asBoolean());
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Kills the process if it still runs. */
  @Override
  public synchronized void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      waitFor(Duration.ofSeconds(10));
    }
  }
}
