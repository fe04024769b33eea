package io.rebound.testing;

import io.rebound.Node;
import io.rebound.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Starts a real node for an integration test class. Being replaced by {@link RunningNode} and {@link NodeExtension}. */
public final class TestNode {
  private TestNode() {}

  /** A free TCP port on this machine (closed again before returning, so the node can bind it). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a node from {@code configJson}, in which {@code PORT} is replaced by a free port. */
  public static Node start(String configJson) {
    return Await.result(Node.start(ConfigLoader.parse(configJson.replace("PORT", String.valueOf(freePort())))), 30);
  }
}
