package io.rebound.loadtest.reconnect;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The balancers of a multi-process {@link MassReconnect} run: N {@link BalancerProcess} JVMs forked with this JVM's
 * java and class path, all in front of the same nodes. Client i connects through balancer i mod N; a reload reloads
 * every balancer at once, as one balancer tier restarting. The children die with their input: when this JVM exits
 * (even killed), their standard input closes and they exit.
 */
final class ExternalBalancers implements AutoCloseable {

  private static final long REPLY_TIMEOUT_S = 60;

  /** One forked balancer and the lines it printed that no one has read yet. */
  private record Child(Process process, Writer commands, BlockingQueue<String> replies, int port) {

    void send(String command) throws IOException {
      commands.write(command + "\n");
      commands.flush();
    }

    /** The next reply, which must start with {@code prefix}; its value after the prefix. */
    String expect(String prefix) throws IOException, InterruptedException {
      String line = replies.poll(REPLY_TIMEOUT_S, TimeUnit.SECONDS);
      if (line == null) throw new IOException("balancer on port " + port + ": no '" + prefix + "' within " + REPLY_TIMEOUT_S + " s");
      if (!line.startsWith(prefix + " ")) throw new IOException("balancer on port " + port + ": expected '" + prefix + "', got '" + line + "'");
      return line.substring(prefix.length() + 1).trim();
    }
  }

  private final List<Child> children;

  private ExternalBalancers(List<Child> children) {
    this.children = children;
  }

  /** Forks {@code count} balancers in front of {@code backends}; returns once every one listens. Blocking. */
  static ExternalBalancers start(int count, List<SocketAddress> backends, List<String> jvmFlags) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    String targets = backends.stream().map(a -> a.host() + ":" + a.port()).collect(Collectors.joining(","));
    List<Child> children = new ArrayList<>();
    ExternalBalancers all = new ExternalBalancers(children);
    try {
      for (int i = 0; i < count; i++) {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BalancerProcess.class.getName(), targets));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> readLines(p, replies), "balancer-" + i + "-stdout");
        reader.setDaemon(true);
        reader.start();
        Child starting = new Child(p, new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8), replies, -1);
        children.add(starting);
        int port = Integer.parseInt(starting.expect("listening"));
        children.set(i, new Child(p, starting.commands(), replies, port));
      }
      return all;
    } catch (Exception e) {
      all.close();
      throw e;
    }
  }

  private static void readLines(Process p, BlockingQueue<String> replies) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) replies.add(line);
    } catch (IOException e) {
      // the process is gone; a pending expect() times out and says which one
    }
  }

  int size() {
    return children.size();
  }

  /** The WebSocket URL of balancer {@code i}. */
  String wsUrl(int i) {
    return "ws://127.0.0.1:" + children.get(i).port() + "/connection/websocket";
  }

  /**
   * Reloads every balancer at once (the commands go out back to back, before any reply is awaited); the future
   * completes on a worker thread once all accept again, with the total of connections cut.
   */
  Future<Integer> reload(Vertx vertx, long refuseMs) {
    try {
      for (Child c : children) c.send("reload " + refuseMs);
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return vertx.executeBlocking(() -> {
      int cut = 0;
      for (Child c : children) cut += Integer.parseInt(c.expect("reloaded"));
      return cut;
    }, false);
  }

  /** Connections the balancers closed on accept so far. Blocking. */
  long refused() throws Exception {
    long sum = 0;
    for (Child c : children) {
      c.send("refused");
      sum += Long.parseLong(c.expect("refused"));
    }
    return sum;
  }

  /** Asks every balancer to quit and waits a little for it; kills the ones still there. */
  @Override
  public void close() {
    for (Child c : children) {
      try {
        c.send("quit");
        c.commands().close();
      } catch (IOException e) {
        // already gone
      }
    }
    for (Child c : children) {
      try {
        if (!c.process().waitFor(20, TimeUnit.SECONDS)) c.process().destroyForcibly();
      } catch (InterruptedException e) {
        c.process().destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
