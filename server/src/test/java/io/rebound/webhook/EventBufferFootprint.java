package io.rebound.webhook;

import java.util.List;
import java.util.UUID;

/**
 * A measurement, not a test: the heap a full {@link EventBuffer} holds per event, for the README's
 * statement of what {@code webhook_buffer_size} costs. Fills a buffer with {@code n} events of one type
 * and prints the retained heap (after full collections) divided by {@code n}, twice: with the
 * session's strings (client id, user, channel, node) allocated beforehand, as while the connection
 * lives and only the event's own objects count; and with every string fresh, as for events of
 * connections already gone (nothing shared: the worst case).
 *
 * <p>Run after {@code mvn -B -DskipTests package} (or any build that compiled the tests):
 * {@code java -Xmx1g -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -cp server/target/test-classes:target/rebound.jar
 * io.rebound.webhook.EventBufferFootprint 100000}
 */
public final class EventBufferFootprint {

  private EventBufferFootprint() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    for (EventType type : List.of(EventType.CONNECT, EventType.SUBSCRIBE, EventType.DISCONNECT)) {
      for (boolean shared : List.of(true, false)) {
        System.out.printf("%-11s %-22s %4d bytes/event%n", type.jsonName(), shared ? "(session strings live)" : "(nothing shared)",
            bytesPerEvent(type, n, shared));
      }
    }
  }

  private static long bytesPerEvent(EventType type, int n, boolean shared) {
    String[] clients = new String[n];
    String[] users = new String[n];
    String[] channels = new String[n];
    String node = "rebound-a1b2c3d4";
    if (shared) {
      for (int i = 0; i < n; i++) {
        clients[i] = UUID.randomUUID().toString();
        users[i] = "user-" + i;
        channels[i] = "chat:room-" + i;
      }
    }
    EventBuffer buffer = new EventBuffer(n);
    long before = retainedHeap();
    for (int i = 0; i < n; i++) {
      String client = shared ? clients[i] : UUID.randomUUID().toString();
      String user = shared ? users[i] : "user-" + i;
      String channel = shared ? channels[i] : "chat:room-" + i;
      String nodeName = shared ? node : new String(node);
      long now = System.currentTimeMillis();
      WebhookEvent event = switch (type) {
        case CONNECT -> WebhookEvent.connect(nodeName, user, client, now);
        case DISCONNECT -> WebhookEvent.disconnect(3, nodeName, user, client, WebhookEvent.CONNECTION_CLOSED, List.of(channel), now);
        default -> WebhookEvent.subscription(type, 1, nodeName, user, client, channel, now);
      };
      if (!buffer.offer(new EventBuffer.Entry(event, null))) throw new IllegalStateException("buffer full at " + i);
    }
    long held = retainedHeap() - before;
    if (buffer.size() != n || clients.length + users.length + channels.length != 3 * n) throw new IllegalStateException();
    return held / n;
  }

  private static long retainedHeap() {
    Runtime r = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) System.gc(); // complete collections with -XX:+UseSerialGC (the command in the class comment)
    return r.totalMemory() - r.freeMemory();
  }
}
