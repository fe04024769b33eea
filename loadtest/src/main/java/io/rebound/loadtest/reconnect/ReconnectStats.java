package io.rebound.loadtest.reconnect;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters shared by all client shards. Thread-safe (adders and atomics) because the timeline samples
 * them from another thread every 250 ms; the per-subscription state itself stays on the shards.
 *
 * <p>A <em>disruption</em> (balancer reload, node kill, one step of a rolling restart) opens a
 * generation: every client that loses its connection afterwards is "affected", and the time from the
 * disruption instant until that client is connected again with both subscriptions answered is its
 * recovery latency.
 */
final class ReconnectStats {

  final AtomicInteger connected = new AtomicInteger();
  final LongAdder deliveries = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder lostGaps = new LongAdder();
  /** Subscribe replies with recovered:true (the missed publications came from the broker's history). */
  final LongAdder recovered = new LongAdder();
  final LongAdder unrecovered = new LongAdder();
  /** Subscribes that did not ask to recover (the initial ones; a subscription that had no position yet). */
  final LongAdder freshSubscribes = new LongAdder();
  /** Reconnects whose connect reply said resumed:true (--resume). */
  final LongAdder resumed = new LongAdder();
  /** Subscriptions continued by a resumed session: no resubscribe, missed publications resent from the session buffer. */
  final LongAdder resumedSubscriptions = new LongAdder();
  /** Reconnects that asked to resume and got a new session (resumed:false): their subscriptions recover per channel. */
  final LongAdder resumeRefused = new LongAdder();
  final LongAdder disconnects = new LongAdder();
  final LongAdder connectAttempts = new LongAdder();
  final LongAdder replyErrors = new LongAdder();
  final LongAdder insufficientState = new LongAdder();
  final LongAdder stray = new LongAdder();
  /** Why clients reconnected ("code reason" of each reconnect event, reasons cut at 60 characters): where the attempts go. */
  final java.util.concurrent.ConcurrentMap<String, LongAdder> reconnectReasons = new java.util.concurrent.ConcurrentHashMap<>();

  void reconnectReason(int code, String reason) {
    String key = code + " " + (reason.length() > 60 ? reason.substring(0, 60) : reason);
    if (reconnectReasons.size() < 100 || reconnectReasons.containsKey(key)) reconnectReasons.computeIfAbsent(key, k -> new LongAdder()).increment();
  }
  final AtomicReference<String> firstError = new AtomicReference<>();

  private final long startNanos = System.nanoTime();
  private volatile int generation;
  private volatile long disruptionNanos;
  private final List<Long> disruptionsMs = new ArrayList<>();
  private final List<Long> latenciesMicros = new ArrayList<>();
  private final List<Long> fromOwnCutMicros = new ArrayList<>();
  private long lastCutNoticedMicros; // guarded by this: the latest a client of this generation noticed its cut, from the disruption
  private final AtomicInteger affected = new AtomicInteger();

  /** Marks a disruption now; returns its instant in ms since the start of the run. */
  synchronized long disrupt() {
    disruptionNanos = System.nanoTime();
    generation++;
    lastCutNoticedMicros = 0; // counted per disruption: a rolling restart has several
    long ms = sinceStartMs(disruptionNanos);
    disruptionsMs.add(ms);
    return ms;
  }

  int generation() {
    return generation;
  }

  /** Counts a client that lost its connection after disruption generation {@code gen} (once per generation). */
  void affected(int gen) {
    if (gen > 0) affected.incrementAndGet();
  }

  /**
   * Called when a client affected by {@code gen} noticed the cut at {@code noticedNanos}: how long the disruption took
   * to reach the last client (a balancer closing thousands of sockets, the clients' loops getting to them).
   */
  synchronized void noticedCut(int gen, long noticedNanos) {
    if (gen == 0 || gen != generation) return;
    lastCutNoticedMicros = Math.max(lastCutNoticedMicros, (noticedNanos - disruptionNanos) / 1000);
  }

  /**
   * Called when a client affected by {@code gen}, which noticed the cut at {@code noticedNanos}, has both
   * subscriptions answered again: its latency from the disruption instant, and from its own cut.
   */
  synchronized void recoveredFrom(int gen, long noticedNanos) {
    if (gen == 0 || gen != generation) return;
    long now = System.nanoTime();
    latenciesMicros.add((now - disruptionNanos) / 1000);
    fromOwnCutMicros.add((now - noticedNanos) / 1000);
  }

  synchronized long[] fromOwnCutMicros() {
    return fromOwnCutMicros.stream().mapToLong(Long::longValue).toArray();
  }

  /** From the last disruption to the moment its last affected client noticed the cut, in ms. */
  synchronized long cutReachedLastClientMs() {
    return lastCutNoticedMicros / 1000;
  }

  void error(String message) {
    replyErrors.increment();
    firstError.compareAndSet(null, message);
  }

  long sinceStartMs(long nanos) {
    return (nanos - startNanos) / 1_000_000;
  }

  long nowMs() {
    return sinceStartMs(System.nanoTime());
  }

  int affectedCount() {
    return affected.get();
  }

  synchronized List<Long> disruptionsMs() {
    return List.copyOf(disruptionsMs);
  }

  synchronized long[] latenciesMicros() {
    return latenciesMicros.stream().mapToLong(Long::longValue).toArray();
  }
}
