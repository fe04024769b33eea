package io.rebound.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real redis-server process for tests, on a free port of 127.0.0.1. It prefers {@code redis-server}
 * on the PATH (Debian package) and otherwise runs the Linux binary shipped inside the test
 * dependency {@code com.github.codemonstur:embedded-redis}. Never a mock.
 *
 * <p>{@link #stop()} and {@link #start()} again keep the port and the data directory, so with {@code
 * appendOnly} a restart keeps the data; {@link #restartEmpty()} restarts on the same port with the
 * data deleted (a Redis that lost everything). {@link #freeze()} / {@link #thaw()} suspend the process
 * (SIGSTOP/SIGCONT): a Redis that accepts TCP but never answers.
 */
public final class RedisServer implements AutoCloseable {

  private static final long START_TIMEOUT_S = 20;

  private final int port;
  private final boolean appendOnly;
  private final Path dir;
  private final String executable;
  private Process process;

  private RedisServer(boolean appendOnly) {
    this.appendOnly = appendOnly;
    this.port = Ports.free();
    try {
      this.dir = Files.createTempDirectory("rebound-redis-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.executable = findExecutable();
  }

  /** Starts a server without persistence. */
  public static RedisServer start(boolean appendOnly) {
    RedisServer server = new RedisServer(appendOnly);
    server.start();
    return server;
  }

  public static RedisServer startVolatile() {
    return start(false);
  }

  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:<port>} */
  public String address() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the process (again) on the same port and data directory; returns when it accepts commands. */
  public synchronized void start() {
    if (process != null && process.isAlive()) return;
    List<String> cmd = new ArrayList<>(List.of(executable,
        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--protected-mode", "no",
        "--dir", dir.toString(), "--save", "", "--daemonize", "no", "--loglevel", "notice",
        "--appendonly", appendOnly ? "yes" : "no"));
    if (appendOnly) cmd.addAll(List.of("--appendfsync", "always"));
    try {
      process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + executable, e);
    }
    CountDownLatch ready = new CountDownLatch(1);
    StringBuilder log = new StringBuilder();
    Process started = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          synchronized (log) {
            if (log.length() < 20_000) log.append(line).append('\n');
          }
          if (line.contains("Ready to accept connections")) ready.countDown();
        }
      } catch (IOException ignored) {
        // the process ended; its output is no longer needed
      }
    }, "redis-server-" + port + "-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!ready.await(START_TIMEOUT_S, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        synchronized (log) {
          throw new IllegalStateException("redis-server did not start on port " + port + ":\n" + log);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops the process gracefully (SIGTERM: Redis flushes its append-only file first); keeps the data directory. */
  public synchronized void stop() {
    if (process == null) return;
    thaw();
    process.destroy();
    try {
      if (!process.waitFor(START_TIMEOUT_S, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Restarts on the same port with every byte of data gone. */
  public synchronized void restartEmpty() {
    stop();
    deleteContents(dir);
    start();
  }

  /** Suspends the process: connections stay open but nothing is answered. */
  public synchronized void freeze() {
    signal("-STOP");
  }

  public synchronized void thaw() {
    signal("-CONT");
  }

  @Override
  public synchronized void close() {
    stop();
    deleteContents(dir);
    dir.toFile().delete();
  }

  private void signal(String sig) {
    if (process == null || !process.isAlive()) return;
    try {
      new ProcessBuilder("kill", sig, Long.toString(process.pid())).inheritIO().start().waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String findExecutable() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        File f = new File(d, "redis-server");
        if (f.canExecute()) return f.getAbsolutePath();
      }
    }
    try {
      File bundled = redis.embedded.core.ExecutableProvider.newJarResourceProvider().get();
      bundled.setExecutable(true);
      return bundled.getAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException("no redis-server on PATH and the embedded-redis binary could not be extracted", e);
    }
  }


  private static void deleteContents(Path dir) {
    if (!Files.isDirectory(dir)) return;
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
