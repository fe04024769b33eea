package io.rebound.loadtest.reconnect;

import io.rebound.testing.TcpProxy;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.SocketAddress;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One balancer of a multi-process {@link MassReconnect} run ({@code --balancer-processes N}), in its own JVM: the
 * test kit's round-robin {@link TcpProxy} in front of the nodes. It has a process of its own because a balancer holds
 * two descriptors per client and one process may open 20,000 here, so 15,000 clients need two of them.
 *
 * <p>{@code java -cp rebound-loadtest.jar io.rebound.loadtest.reconnect.BalancerProcess H:P[,H:P...]}. It is driven
 * by {@link ExternalBalancers} over its standard input and output, one line each way:
 * <ul>
 *   <li>once it accepts connections it prints {@code listening PORT} (a free port of 127.0.0.1);
 *   <li>{@code reload MS}: cuts every connection and refuses new ones for MS ms ({@link TcpProxy#reload}); prints
 *       {@code reloaded CUT} once it accepts again, CUT being the number of connections it cut;
 *   <li>{@code refused}: prints {@code refused N}, the connections closed on accept so far;
 *   <li>{@code quit} or the end of its input (the coordinator is gone): closes everything and exits.
 * </ul>
 * Its log goes to standard error.
 */
public final class BalancerProcess {

  private BalancerProcess() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: BalancerProcess HOST:PORT[,HOST:PORT...]");
      System.exit(2);
    }
    List<SocketAddress> backends = Arrays.stream(args[0].split(",")).map(String::trim).map(BalancerProcess::address).toList();
    // One event loop: a TcpProxy is one NetServer, whose connections all run on the context it was started on.
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    TcpProxy proxy = TcpProxy.roundRobin(vertx, backends).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    reply("listening " + proxy.port());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.trim().split("\\s+");
      if (words[0].equals("quit")) break;
      switch (words[0]) {
        case "reload" -> proxy.reload(Long.parseLong(words[1])).onComplete(ar -> reply("reloaded " + (ar.succeeded() ? ar.result() : -1)));
        case "refused" -> reply("refused " + proxy.refused());
        default -> System.err.println("balancer: unknown command " + line);
      }
    }
    proxy.closeAsync().transform(ar -> vertx.close()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.exit(0);
  }

  private static SocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return SocketAddress.inetSocketAddress(Integer.parseInt(hostPort.substring(colon + 1)), hostPort.substring(0, colon));
  }

  /** One protocol line; from the event loop and the main thread, hence synchronized (PrintStream is, and flushes on println). */
  private static synchronized void reply(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
