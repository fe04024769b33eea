package io.rebound.loadtest.publish;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A server process's CPU time from Linux {@code /proc}, in clock ticks: the whole process (utime +
 * stime of {@code /proc/<pid>/stat}, which also keeps the time of threads that have exited) and the
 * part its live JIT compiler threads ({@code C1/C2 CompilerThread}) spent. On a busy 2-core box the
 * compiler is still at work minutes after start, so "total minus JIT" is the steady-state cost of
 * serving, and the total what the process really took. Zero for pid 0.
 */
record ServerCpu(long total, long jit) {

  /** Linux's USER_HZ: /proc counts CPU time in these. */
  private static final double CLOCK_TICKS = 100.0;

  static ServerCpu read(long pid) {
    if (pid <= 0) return new ServerCpu(0, 0);
    try {
      long total = ticks(Path.of("/proc/" + pid + "/stat"));
      long jit = 0;
      try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
        for (Path task : (Iterable<Path>) tasks::iterator) {
          try {
            if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
              jit += ticks(task.resolve("stat"));
            }
          } catch (NoSuchFileException exited) {
            // the thread ended between the listing and the read
          }
        }
      }
      return new ServerCpu(total, jit);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ServerCpu minus(ServerCpu earlier) {
    return new ServerCpu(total - earlier.total, jit - earlier.jit);
  }

  double microsPer(long ticks, int operations) {
    return ticks * (1e6 / CLOCK_TICKS) / operations;
  }

  double cores(long nanos) {
    return total / CLOCK_TICKS / (nanos / 1e9);
  }

  private static long ticks(Path stat) throws IOException {
    String line = Files.readString(stat);
    String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime: fields 14 and 15 of the line
  }
}
