package io.rebound.testing.verify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects observations while a run goes on, from any thread: publishers report acknowledgements, subscribers their
 * subscribe results and publications. {@link #observations()} takes a consistent copy for {@link StreamChecker}.
 *
 * <p>Memory: one small object per acknowledgement and per delivery (about 60 bytes with a short payload id), so a run
 * is bounded by subscribers × publications; the live verifier says its estimate before it starts.
 */
public final class Recorder {

  private final Map<String, List<Ack>> acks = new LinkedHashMap<>(); // guarded by this
  private final Map<String, HistorySnapshot> histories = new LinkedHashMap<>(); // guarded by this
  private final List<Subscriber> subscribers = new ArrayList<>(); // guarded by this

  /** The publish result of {@code payload} on {@code channel}. */
  public synchronized void acked(String channel, String payload, long offset, String epoch) {
    acks.computeIfAbsent(channel, c -> new ArrayList<>()).add(new Ack(payload, offset, epoch));
  }

  /** Declares {@code channel} (so it is checked even if nothing gets acknowledged). */
  public synchronized void channel(String channel) {
    acks.computeIfAbsent(channel, c -> new ArrayList<>());
  }

  /** The history of {@code channel} read at the end of the run. */
  public synchronized void history(String channel, HistorySnapshot snapshot) {
    channel(channel);
    histories.put(channel, snapshot);
  }

  /** A new subscriber log; {@code name} should tell it apart in a verdict (e.g. client number and channel). */
  public synchronized Subscriber subscriber(String name, String channel) {
    Subscriber s = new Subscriber(name, channel);
    subscribers.add(s);
    return s;
  }

  /** Acknowledgements recorded so far for {@code channel}. */
  public synchronized int acknowledged(String channel) {
    List<Ack> list = acks.get(channel);
    return list == null ? 0 : list.size();
  }

  /** The last acknowledgement of {@code payload} on {@code channel} (where the stream put it), or null. */
  public synchronized Ack ack(String channel, String payload) {
    List<Ack> list = acks.getOrDefault(channel, List.of());
    for (int i = list.size() - 1; i >= 0; i--) if (list.get(i).payload().equals(payload)) return list.get(i);
    return null;
  }

  /** A copy of everything recorded so far. */
  public Observations observations() {
    List<ChannelLog> channels = new ArrayList<>();
    List<Subscriber> subs;
    synchronized (this) {
      acks.forEach((channel, list) -> channels.add(new ChannelLog(channel, list, histories.get(channel))));
      subs = List.copyOf(subscribers);
    }
    return new Observations(channels, subs.stream().map(Subscriber::log).toList());
  }

  /** One subscriber's log. Thread-safe; meant to be fed from the subscriber's own thread, in the order it sees events. */
  public static final class Subscriber {
    private final String name;
    private final String channel;
    private final List<SubscriberEvent> events = new ArrayList<>(); // guarded by this
    private SubscriberEvent.Received last; // guarded by this
    private long deliveries; // guarded by this

    private Subscriber(String name, String channel) {
      this.name = name;
      this.channel = channel;
    }

    public String name() {
      return name;
    }

    public String channel() {
      return channel;
    }

    /** A publication handed to the application. */
    public synchronized void received(long offset, String payload) {
      last = new SubscriberEvent.Received(offset, payload);
      events.add(last);
      deliveries++;
    }

    /** A subscribe result. */
    public synchronized void subscribed(boolean wasRecovering, boolean recovered, long offset, String epoch) {
      events.add(new SubscriberEvent.Subscribed(wasRecovering, recovered, offset, epoch));
    }

    /** The last publication received, or null. */
    public synchronized SubscriberEvent.Received lastReceived() {
      return last;
    }

    /** The last {@code n} events (subscribe results and publications), oldest first: what a failure message shows. */
    public synchronized List<SubscriberEvent> recent(int n) {
      return List.copyOf(events.subList(Math.max(0, events.size() - n), events.size()));
    }

    public synchronized long deliveries() {
      return deliveries;
    }

    synchronized SubscriberLog log() {
      return new SubscriberLog(name, channel, events);
    }
  }
}
