package io.rebound.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} per-second {@link Sample}s of this node, oldest overwritten first, so the
 * memory it takes is fixed however long the node runs. Confined to the sampler's event loop.
 */
final class SampleRing {

  private final Sample[] slots;
  private int next;
  private int size;

  SampleRing(int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
    this.slots = new Sample[capacity];
  }

  /** Keeps {@code sample}; one of the same second as the newest is merged into it ({@link Sample#plus}). */
  void add(Sample sample) {
    int newest = (next - 1 + slots.length) % slots.length;
    if (size > 0 && slots[newest].second() == sample.second()) {
      slots[newest] = slots[newest].plus(sample);
      return;
    }
    slots[next] = sample;
    next = (next + 1) % slots.length;
    if (size < slots.length) size++;
  }

  int size() {
    return size;
  }

  int capacity() {
    return slots.length;
  }

  /** The samples kept, oldest first. */
  List<Sample> all() {
    return after(Long.MIN_VALUE);
  }

  /** The samples of seconds after {@code second}, oldest first (what a page that has up to {@code second} lacks). */
  List<Sample> after(long second) {
    List<Sample> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      Sample s = slots[(next - size + i + slots.length) % slots.length];
      if (s.second() > second) out.add(s);
    }
    return out;
  }

  /** The newest {@code n} samples (fewer when fewer are kept), oldest first. */
  List<Sample> last(int n) {
    List<Sample> all = all();
    return all.subList(Math.max(0, all.size() - n), all.size());
  }
}
