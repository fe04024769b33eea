package io.rebound.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Free TCP ports for servers that a test starts on a port of its choosing (nodes, redis-server, Hazelcast members). */
public final class Ports {
  private Ports() {}

  /**
   * A TCP port that is free on this machine now. The probing socket is closed before returning, so
   * the caller can bind it; another process could take it in between, which the callers accept (the
   * window is a few milliseconds and the OS hands out ephemeral ports round-robin).
   */
  public static int free() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The first of {@code count} consecutive ports of 127.0.0.1 that are all free now, picked at random
   * between 10000 and 30000, below the ephemeral range (32768+) that {@link #free()} and outgoing
   * connections draw from. For servers that need a range of their own, such as the Hazelcast members
   * of one test cluster: members of builds running side by side on the machine then never share, or
   * scan, each other's ports.
   */
  public static int freeRange(int count) {
    if (count < 1 || count > 100) throw new IllegalArgumentException("count " + count);
    for (int attempt = 0; attempt < 100; attempt++) {
      int base = 10_000 + count * ThreadLocalRandom.current().nextInt(20_000 / count);
      if (allFree(base, count)) return base;
    }
    throw new IllegalStateException("no free range of " + count + " ports between 10000 and 30000");
  }

  private static boolean allFree(int base, int count) {
    for (int port = base; port < base + count; port++) {
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        s.setReuseAddress(true);
      } catch (IOException taken) {
        return false;
      }
    }
    return true;
  }
}
