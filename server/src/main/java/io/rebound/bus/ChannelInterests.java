package io.rebound.bus;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's interest in channels, reference-counted across its edges. The first reference to a
 * channel registers it with the transport ({@link Registrar#register}); when the last one is
 * released the registration is kept for {@link #LINGER_MS} more, so a channel whose only subscriber
 * leaves and comes back (reconnects, page reloads) does not register and unregister cluster-wide
 * each time. A registration that failed is made again by the next {@link #acquire}.
 *
 * <p>Thread-safe: edges on several event loops call it; one lock guards the table (it is taken on
 * subscribe and unsubscribe only, never per publication).
 */
public final class ChannelInterests {

  /** How long a channel stays registered after its last reference is gone. */
  public static final long LINGER_MS = 2_000;

  /** What a transport does to route a channel's messages to this node, and to stop. */
  public interface Registrar {
    /** Starts routing {@code channel} here; completes once every node routes it here. */
    Future<Void> register(String channel);

    /** Stops routing {@code channel} here (its registration is no longer wanted). */
    void unregister(String channel);
  }

  private static final class Entry {
    int refs;
    Future<Void> routed;
    long lingerTimer = -1;
  }

  private final Vertx vertx;
  private final Registrar registrar;
  private final long lingerMs;
  private final Map<String, Entry> entries = new HashMap<>();

  public ChannelInterests(Vertx vertx, Registrar registrar) {
    this(vertx, registrar, LINGER_MS);
  }

  ChannelInterests(Vertx vertx, Registrar registrar, long lingerMs) {
    this.vertx = vertx;
    this.registrar = registrar;
    this.lingerMs = lingerMs;
  }

  /** Takes a reference to {@code channel}; completes when the channel is routed here. */
  public Future<Void> acquire(String channel) {
    synchronized (this) {
      Entry e = entries.computeIfAbsent(channel, c -> new Entry());
      e.refs++;
      if (e.lingerTimer >= 0) {
        vertx.cancelTimer(e.lingerTimer);
        e.lingerTimer = -1;
      }
      if (e.routed == null || e.routed.failed()) {
        if (e.routed != null) registrar.unregister(channel); // the failed attempt's leftovers
        e.routed = registrar.register(channel);
      }
      return e.routed;
    }
  }

  /** Drops a reference; the last one unregisters the channel after the linger, unless it is taken again meanwhile. */
  public void release(String channel) {
    synchronized (this) {
      Entry e = entries.get(channel);
      if (e == null || e.refs == 0) return;
      if (--e.refs > 0) return;
      e.lingerTimer = vertx.setTimer(lingerMs, id -> expire(channel, e));
    }
  }

  /**
   * The routing of {@code channel}'s current registration; succeeded when there is none. Called on a
   * Vert.x context, a future not yet complete completes on that context (the transport finishes on
   * threads of its own, an edge must go on on its event loop).
   */
  public Future<Void> routed(String channel) {
    Future<Void> routed;
    synchronized (this) {
      Entry e = entries.get(channel);
      routed = e == null || e.routed == null ? Future.succeededFuture() : e.routed;
    }
    Context caller = Vertx.currentContext();
    if (routed.isComplete() || caller == null) return routed;
    Promise<Void> onCaller = Promise.promise();
    routed.onComplete(ar -> caller.runOnContext(v -> onCaller.handle(ar)));
    return onCaller.future();
  }

  /** Whether {@code channel} is registered here (referenced or lingering). */
  public synchronized boolean registered(String channel) {
    return entries.containsKey(channel);
  }

  /** Channels registered here (referenced or lingering). */
  public synchronized int size() {
    return entries.size();
  }

  /** Every channel registered here, for a transport that must register them again (a new Redis connection). */
  public synchronized List<String> channels() {
    return new ArrayList<>(entries.keySet());
  }

  /** Unregisters everything at once (the broadcaster closes). */
  public void clear() {
    List<String> all;
    synchronized (this) {
      all = new ArrayList<>(entries.keySet());
      for (Entry e : entries.values()) if (e.lingerTimer >= 0) vertx.cancelTimer(e.lingerTimer);
      entries.clear();
    }
    for (String channel : all) registrar.unregister(channel);
  }

  private void expire(String channel, Entry e) {
    synchronized (this) {
      if (entries.get(channel) != e || e.refs > 0) return;
      entries.remove(channel);
      registrar.unregister(channel);
    }
  }
}
