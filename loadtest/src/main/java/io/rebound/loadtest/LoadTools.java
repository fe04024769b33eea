package io.rebound.loadtest;

import io.rebound.loadtest.fanout.FanoutBenchmark;
import io.rebound.loadtest.heap.IdleHeap;
import io.rebound.loadtest.reconnect.MassReconnect;
import java.util.Arrays;

/**
 * The load tools' jar entry point: {@code java -jar target/rebound-loadtest.jar <tool> [options]}.
 * Each tool is also runnable by its own class name ({@code java -cp target/rebound-loadtest.jar
 * io.rebound.loadtest.reconnect.MassReconnect …}); this only saves typing the package. One package per
 * tool: {@code fanout} (FanoutBenchmark), {@code reconnect} (MassReconnect), {@code heap} (IdleHeap), and
 * {@code common} for what they share (clock, latency histogram, order statistics, event-loop hops).
 */
public final class LoadTools {
  private LoadTools() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.println("""
          usage: java -jar target/rebound-loadtest.jar <tool> [options]
            fanout      FanoutBenchmark: publications fanned out to many subscribers (throughput, latency, losses)
            reconnect   MassReconnect: clients behind a balancer that reloads; recovery measured and reported
            idle-heap   IdleHeap: heap per idle connection
            publish     PublishBench: publish API throughput (publishes/s, server CPU per publish)
            verify      LiveVerifier: point it at a running cluster during a restart or reload; verdict on losses
          '<tool> --help' lists the options of a tool.""");
      return;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "fanout" -> FanoutBenchmark.main(rest);
      case "reconnect" -> MassReconnect.main(rest);
      case "idle-heap" -> IdleHeap.main(rest);
      case "publish" -> io.rebound.loadtest.publish.PublishBench.main(rest);
      case "verify" -> io.rebound.loadtest.verify.LiveVerifier.main(rest);
      default -> {
        System.err.println("unknown tool '" + args[0] + "' (fanout, reconnect, idle-heap, publish, verify)");
        System.exit(2);
      }
    }
  }
}
