package io.rebound.loadtest.reconnect;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.vertx.core.Vertx;

/**
 * Samples every {@link #PERIOD_MS} ms: connected clients, deliveries/s, publications/s, CPU and heap.
 * CPU is reported twice, both as % of the whole machine (all cores): the JVM process (brokers, clients
 * and balancer share it when nodes run in-process) and the in-process brokers alone (CPU time of the
 * threads named {@code broker-*} and Hazelcast's {@code hz.*}; dead threads drop out, so it is a lower
 * bound across restarts), or with {@code --target-pid} the target node's process. Heap is the JVM's used heap (MemoryMXBean), brokers and clients together.
 */
final class Timeline {

  static final long PERIOD_MS = 250;

  /** One sample; rates are over the preceding period. */
  record Sample(long tMs, int connected, double deliveriesPerS, double publishesPerS, double processCpuPct,
      double brokerCpuPct, double heapMb) {}

  private final ReconnectStats stats;
  private final RatePublisher publisher;
  private final Vertx vertx;
  private final List<Sample> samples = new ArrayList<>();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final Map<Long, Boolean> brokerThread = new HashMap<>();
  private final int cores = Runtime.getRuntime().availableProcessors();
  private long timer = -1;
  private long lastNanos;
  private long lastDeliveries;
  private long lastPublished;
  private long lastProcessCpu;
  private long lastBrokerCpu;

  /** The node process sampled instead of in-process broker threads (-1: none). */
  private final long targetPid;

  Timeline(Vertx vertx, ReconnectStats stats, RatePublisher publisher, long targetPid) {
    this.vertx = vertx;
    this.stats = stats;
    this.publisher = publisher;
    this.targetPid = targetPid;
  }

  void start() {
    lastNanos = System.nanoTime();
    lastProcessCpu = os.getProcessCpuTime();
    lastBrokerCpu = brokerCpuNanos();
    timer = vertx.setPeriodic(PERIOD_MS, t -> sample());
  }

  void stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    timer = -1;
  }

  synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }

  private void sample() {
    long now = System.nanoTime();
    double dt = (now - lastNanos) / 1e9;
    long deliveries = stats.deliveries.sum();
    long published = publisher.published.sum();
    long processCpu = os.getProcessCpuTime();
    long brokerCpu = brokerCpuNanos();
    double wallCpu = (now - lastNanos) * (double) cores;
    Sample s = new Sample(stats.sinceStartMs(now), stats.connected.get(), (deliveries - lastDeliveries) / dt,
        (published - lastPublished) / dt, 100.0 * (processCpu - lastProcessCpu) / wallCpu,
        100.0 * Math.max(0, brokerCpu - lastBrokerCpu) / wallCpu, memory.getHeapMemoryUsage().getUsed() / 1048576.0);
    synchronized (this) {
      samples.add(s);
    }
    lastNanos = now;
    lastDeliveries = deliveries;
    lastPublished = published;
    lastProcessCpu = processCpu;
    lastBrokerCpu = brokerCpu;
  }

  private long brokerCpuNanos() {
    if (targetPid > 0) {
      // An unreadable sample repeats the last one (0 % for that period) instead of counting the whole run again later.
      long cpu = ProcessCpu.nanos(targetPid);
      return cpu < 0 ? lastBrokerCpu : cpu;
    }
    long sum = 0;
    for (long id : threads.getAllThreadIds()) {
      Boolean broker = brokerThread.get(id);
      if (broker == null) {
        ThreadInfo info = threads.getThreadInfo(id);
        if (info == null) continue;
        String name = info.getThreadName();
        broker = name.startsWith(BrokerFleet.THREAD_PREFIX) || name.startsWith("hz.");
        brokerThread.put(id, broker);
      }
      if (broker) {
        long cpu = threads.getThreadCpuTime(id);
        if (cpu > 0) sum += cpu;
      }
    }
    return sum;
  }
}
