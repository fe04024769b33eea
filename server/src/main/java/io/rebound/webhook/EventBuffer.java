package io.rebound.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The events of one node waiting for delivery: a first-in first-out queue of at most {@code
 * capacity} events. Thread-safe and lock-free: sessions on every event loop offer, the sender takes
 * from its own context. Events offered by one thread leave in the order that thread offered them,
 * which is what keeps each client's events in order.
 */
final class EventBuffer {

  /** An event and what to do once the backend acknowledged it (null: nothing). */
  record Entry(WebhookEvent event, Runnable onDelivered) {}

  private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;

  EventBuffer(int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
    this.capacity = capacity;
  }

  /** Adds {@code entry} at the end; false (and nothing added) when the buffer is full. */
  boolean offer(Entry entry) {
    // Reserve a place first, so that concurrent offers never overshoot the bound.
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      return false;
    }
    queue.add(entry);
    return true;
  }

  /** Removes and returns up to {@code max} entries from the front, oldest first. */
  List<Entry> take(int max) {
    List<Entry> out = new ArrayList<>(Math.min(max, Math.max(1, size.get())));
    Entry e;
    while (out.size() < max && (e = queue.poll()) != null) out.add(e);
    size.addAndGet(-out.size());
    return out;
  }

  int size() {
    return size.get();
  }

  int capacity() {
    return capacity;
  }

  /** Places left now (another thread may take them first). */
  int remaining() {
    return Math.max(0, capacity - size.get());
  }
}
