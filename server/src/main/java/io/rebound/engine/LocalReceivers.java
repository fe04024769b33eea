package io.rebound.engine;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's {@link FanoutReceiver}s by the channels they hold an interest in: what a broadcaster hands
 * a message to once it is at the node. Only the edges with subscribers of the message's channel get
 * a task on their event loop. (Before, a node-local event-bus publish put every message on every
 * edge's loop, a task and usually a wake-up each, also where nobody was subscribed: at 64 publishes
 * in flight to a channel without subscribers that was ~40 % of a publish's CPU, loadtest/README.md,
 * "Local routing by interest".)
 *
 * <p>Thread-safe: receivers come and go on their own event loops and messages arrive on any thread.
 * A channel's receivers are an array replaced on every change (copy on write): a delivery is one
 * map read and takes no lock. A receiver takes at most one interest per channel at a time.
 */
public final class LocalReceivers {

  private final ConcurrentHashMap<String, FanoutReceiver[]> byChannel = new ConcurrentHashMap<>();

  /** {@code receiver} gets {@code channel}'s messages from now on (a delivery that starts after this returns). */
  public void add(String channel, FanoutReceiver receiver) {
    byChannel.compute(channel, (c, old) -> {
      if (old == null) return new FanoutReceiver[] {receiver};
      if (indexOf(old, receiver) >= 0) return old;
      FanoutReceiver[] grown = Arrays.copyOf(old, old.length + 1);
      grown[old.length] = receiver;
      return grown;
    });
  }

  /** {@code receiver} gets no more of {@code channel}'s messages than are already on their way to it. */
  public void remove(String channel, FanoutReceiver receiver) {
    byChannel.computeIfPresent(channel, (c, old) -> {
      int i = indexOf(old, receiver);
      if (i < 0) return old;
      if (old.length == 1) return null;
      FanoutReceiver[] kept = new FanoutReceiver[old.length - 1];
      System.arraycopy(old, 0, kept, 0, i);
      System.arraycopy(old, i + 1, kept, i, old.length - i - 1);
      return kept;
    });
  }

  /**
   * Hands {@code message} to every receiver of its channel, each on its own context; returns how many.
   * Messages handed over one after another from one thread reach each receiver in that order (a
   * context runs its tasks first in, first out).
   */
  public int deliver(FanoutMessage message) {
    FanoutReceiver[] receivers = byChannel.get(message.channel());
    if (receivers == null) return 0;
    for (FanoutReceiver r : receivers) r.context().runOnContext(v -> r.onFanout(message));
    return receivers.length;
  }

  private static int indexOf(FanoutReceiver[] receivers, FanoutReceiver receiver) {
    for (int i = 0; i < receivers.length; i++) if (receivers[i] == receiver) return i;
    return -1;
  }

  /** Channels with at least one receiver. */
  public int channels() {
    return byChannel.size();
  }
}
