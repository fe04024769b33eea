package io.rebound.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Server-side subscriptions (connection token {@code channels}, server API {@code subscribe}), as the centrifuge JS
 * SDK keeps them: a position per channel from the connect reply's {@code subs} and {@code subscribe} pushes, moved by
 * publications, sent back in {@code connect.subs} on a reconnect so the server recovers them. Confined to the
 * client's context.
 */
final class ServerSubscriptions {

  private final ClientEngine engine;
  private final Map<String, StreamTracker> subs = new LinkedHashMap<>();

  ServerSubscriptions(ClientEngine engine) {
    this.engine = engine;
  }

  boolean has(String channel) {
    return subs.containsKey(channel);
  }

  /** {@code connect.subs}: the recoverable subscriptions with their positions, or null when there is none. */
  ObjectNode recoveryRequest() {
    ObjectNode out = null;
    for (Map.Entry<String, StreamTracker> e : subs.entrySet()) {
      if (!e.getValue().recover) continue;
      if (out == null) out = Wire.object();
      ObjectNode r = out.putObject(e.getKey());
      e.getValue().addRecovery(r);
    }
    return out;
  }

  /**
   * The connect reply's {@code subs}. On a new session a known channel missing from it is no longer subscribed; on a
   * resumed session the subscriptions simply continue.
   */
  void connected(JsonNode replySubs, boolean resumed) {
    if (!resumed) {
      for (String channel : new ArrayList<>(subs.keySet())) {
        if (replySubs == null || !replySubs.has(channel)) {
          subs.remove(channel);
          engine.emit(l -> l.onServerUnsubscribed(channel, 0, "not subscribed after reconnect"));
        }
      }
    }
    if (replySubs != null) replySubs.fields().forEachRemaining(e -> subscribed(e.getKey(), e.getValue()));
  }

  /** A {@code subscribe} push or a connect reply entry. */
  void subscribed(String channel, JsonNode result) {
    StreamTracker t = subs.computeIfAbsent(channel, c -> new StreamTracker());
    List<Publication> pubs = t.subscribed(channel, result);
    SubscribedEvent event = new SubscribedEvent(channel, result.path("was_recovering").asBoolean(false),
        result.path("recovered").asBoolean(false), false, t.recover, t.position(), result.get("data"));
    engine.emit(l -> l.onServerSubscribed(event));
    for (Publication p : pubs) engine.emit(l -> l.onServerPublication(p));
  }

  void publication(String channel, JsonNode pub) {
    StreamTracker t = subs.get(channel);
    if (t != null && !t.accept(pub)) return;
    Publication p = Wire.publication(channel, pub);
    engine.emit(l -> l.onServerPublication(p));
  }

  void unsubscribed(String channel, int code, String reason) {
    if (subs.remove(channel) == null) return;
    engine.emit(l -> l.onServerUnsubscribed(channel, code, reason));
  }

  void discontinuity(Discontinuity d) {
    StreamTracker t = subs.get(d.channel());
    if (t != null) t.attach(d.attach());
    engine.emit(l -> l.onServerDiscontinuity(d));
  }
}
