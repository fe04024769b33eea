package io.rebound.loadtest.heap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One {@code jcmd <pid> GC.class_histogram} of a JVM: live bytes and instances per class, and the total.
 * The command runs a full GC first, so only reachable objects count.
 */
final class ClassHistogram {

  final Map<String, Long> bytesByClass = new HashMap<>();
  final Map<String, Long> instancesByClass = new HashMap<>();
  long totalBytes;

  private ClassHistogram() {}

  /** Runs {@code jcmd} (on the PATH) against {@code pid} and parses its table. */
  static ClassHistogram of(long pid) throws IOException, InterruptedException {
    Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
    String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (jcmd.waitFor() != 0) throw new IOException("jcmd " + pid + " GC.class_histogram failed: " + out);
    return parse(out, pid);
  }

  static ClassHistogram parse(String table, long pid) throws IOException {
    ClassHistogram h = new ClassHistogram();
    for (String line : table.split("\n")) {
      String[] cols = line.trim().split("\\s+");
      // Rows: "  1:   123   4567   java.lang.String (java.base@17)"; the last row: "Total  123  4567".
      if (cols.length >= 4 && cols[0].endsWith(":")) {
        h.instancesByClass.merge(cols[3], Long.parseLong(cols[1]), Long::sum);
        h.bytesByClass.merge(cols[3], Long.parseLong(cols[2]), Long::sum);
      } else if (cols.length == 3 && cols[0].equals("Total")) {
        h.totalBytes = Long.parseLong(cols[2]);
      }
    }
    if (h.totalBytes == 0) throw new IOException("no Total line in the class histogram of " + pid);
    return h;
  }
}
