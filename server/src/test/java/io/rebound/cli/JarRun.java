package io.rebound.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar target/rebound.jar …} as an operator types it: the shaded jar at the repository root, its manifest's
 * main class, the given environment on top of this JVM's. {@link #run} waits for a command to finish; {@link #start}
 * leaves a node running (its output in {@code target/cli-it/<name>.log}).
 */
final class JarRun {

  /** A finished command: exit status and both outputs. */
  record Result(int status, String out, String err) {}

  private JarRun() {}

  static Path jar() {
    Path jar = Path.of(System.getProperty("rebound.jar", "../target/rebound.jar")).toAbsolutePath().normalize();
    if (!Files.exists(jar)) throw new IllegalStateException(jar + " is missing: run mvn verify (failsafe runs after package)");
    return jar;
  }

  private static ProcessBuilder builder(Map<String, String> env, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:TieredStopAtLevel=1", "-jar", jar().toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    return pb;
  }

  /** Runs a command to completion (at most 60 s). */
  static Result run(Map<String, String> env, String... args) {
    try {
      Path out = Files.createTempFile("jar-run", ".out");
      Path err = Files.createTempFile("jar-run", ".err");
      Process p = builder(env, List.of(args)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("java -jar rebound.jar " + String.join(" ", args) + " did not finish within 60 s");
      }
      Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Starts a long-running {@code java -jar rebound.jar …} (a node); output and errors go to {@code target/cli-it/<name>.log}. */
  static Process start(String name, Map<String, String> env, String... args) {
    try {
      Path log = Files.createDirectories(Path.of("target", "cli-it")).resolve(name + ".log");
      return builder(env, List.of(args)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The log of a process started with {@link #start}. */
  static String log(String name) {
    try {
      return Files.readString(Path.of("target", "cli-it", name + ".log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
