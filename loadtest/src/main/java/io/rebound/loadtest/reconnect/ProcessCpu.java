package io.rebound.loadtest.reconnect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of another process on Linux ({@code /proc/PID/stat}: user + system time), so that a run against a
 * {@code --target} node can report the node's CPU as an in-process run reports its broker threads'.
 */
final class ProcessCpu {

  /** Clock ticks per second of /proc/PID/stat; 100 on every Linux this runs on (USER_HZ). */
  private static final long TICKS_PER_SECOND = 100;

  private ProcessCpu() {}

  /**
   * User + system CPU nanoseconds of {@code pid} so far; -1 when it cannot be read (gone, not Linux, or no descriptor
   * left to open the file with: a reconnect storm can exhaust them).
   */
  static long nanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command name, which is in parentheses and may contain spaces: state is field 3, utime 14, stime 15.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
