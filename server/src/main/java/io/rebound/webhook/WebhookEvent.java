package io.rebound.webhook;

import com.fasterxml.jackson.core.JsonGenerator;
import io.rebound.protocol.Disconnect;
import java.io.IOException;
import java.util.List;

/**
 * One lifecycle event as the backend receives it. Immutable; the same object is sent again on every
 * retry, so its {@link #id} never changes.
 *
 * <p>Ids are derived from the client id, which is unique per connection: {@code <client>:<seq>} for
 * connect (seq 0), subscribe and unsubscribe, and {@code <client>:disconnect} for the one disconnect
 * a session has. A disconnect that a surviving member emits for a dead node's session therefore has
 * the same id as the one the dead node may have sent before it died: the backend keeps the first
 * event of each id and ignores the rest.
 *
 * @param id the de-duplication key, stable across retries and across the member that emits it
 * @param type what happened
 * @param seq the event's place among its client's events (0 = connect); events of one client are
 *     delivered in this order
 * @param time when it happened, epoch milliseconds (for a dead node's session: when its death was seen,
 *     unless the session had already ended)
 * @param node the name of the node that held the connection
 * @param user the user ({@code ""} when anonymous)
 * @param client the connection's client id
 * @param channel the channel of a subscribe or unsubscribe; null otherwise
 * @param disconnect the code and reason of a disconnect; null otherwise
 * @param channels for a disconnect: the channels the client was subscribed to (the disconnect ends
 *     them; no unsubscribe events are sent for them); null otherwise
 */
public record WebhookEvent(String id, EventType type, long seq, long time, String node, String user, String client,
    String channel, Disconnect disconnect, List<String> channels) {

  /** The client or the network closed the connection (Centrifugo's "connection closed"). */
  public static final Disconnect CONNECTION_CLOSED = new Disconnect(3000, "connection closed");
  /** The node holding the connection died; another node reports the disconnect for it. */
  public static final Disconnect NODE_LOST = new Disconnect(3000, "node lost");

  static WebhookEvent connect(String node, String user, String client, long time) {
    return new WebhookEvent(id(client, 0), EventType.CONNECT, 0, time, node, user, client, null, null, null);
  }

  static WebhookEvent subscription(EventType type, long seq, String node, String user, String client, String channel, long time) {
    return new WebhookEvent(id(client, seq), type, seq, time, node, user, client, channel, null, null);
  }

  static WebhookEvent disconnect(long seq, String node, String user, String client, Disconnect reason, List<String> channels, long time) {
    return new WebhookEvent(client + ":disconnect", EventType.DISCONNECT, seq, time, node, user, client, null, reason, List.copyOf(channels));
  }

  private static String id(String client, long seq) {
    return client + ":" + seq;
  }

  /** Writes this event as one JSON object. */
  void write(JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", id);
    g.writeStringField("type", type.jsonName());
    g.writeNumberField("seq", seq);
    g.writeNumberField("time", time);
    g.writeStringField("node", node);
    g.writeStringField("user", user);
    g.writeStringField("client", client);
    if (channel != null) g.writeStringField("channel", channel);
    if (disconnect != null) {
      g.writeNumberField("code", disconnect.code());
      g.writeStringField("reason", disconnect.reason());
    }
    if (channels != null) {
      g.writeArrayFieldStart("channels");
      for (String c : channels) g.writeString(c);
      g.writeEndArray();
    }
    g.writeEndObject();
  }
}
