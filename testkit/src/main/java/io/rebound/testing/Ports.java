package io.rebound.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Free TCP ports for servers that a test starts on a port of its choosing (nodes, redis-server). */
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
}
