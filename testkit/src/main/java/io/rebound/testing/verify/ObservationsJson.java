package io.rebound.testing.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Observations as JSON, so a run's recording can be kept ({@code observations.json} of the live verifier) and checked
 * again, and so recorded histories serve as test fixtures. Compact, one array per event:
 *
 * <pre>
 * {"channels": [{"channel": "chat:a",
 *                "acks": [["1", 1, "e1"], …],                       payload, offset, epoch
 *                "history": {"epoch": "e1", "top": 9, "publications": [[1, "1"], …]}}],   offset, payload (optional)
 *  "subscribers": [{"subscriber": "c1", "channel": "chat:a",
 *                   "events": [["sub", false, false, 0, "e1"],       wasRecovering, recovered, offset, epoch
 *                              ["pub", 1, "1"], …]}]}                offset, payload
 * </pre>
 */
public final class ObservationsJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ObservationsJson() {}

  /** The JSON text of {@code o}. */
  public static String write(Observations o) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode channels = root.putArray("channels");
    for (ChannelLog c : o.channels()) {
      ObjectNode cn = channels.addObject();
      cn.put("channel", c.channel());
      ArrayNode acks = cn.putArray("acks");
      for (Ack a : c.acks()) acks.addArray().add(a.payload()).add(a.offset()).add(a.epoch());
      if (c.history() != null) {
        ObjectNode h = cn.putObject("history");
        h.put("epoch", c.history().epoch());
        h.put("top", c.history().top());
        ArrayNode pubs = h.putArray("publications");
        for (HistorySnapshot.Entry e : c.history().publications()) pubs.addArray().add(e.offset()).add(e.payload());
      }
    }
    ArrayNode subscribers = root.putArray("subscribers");
    for (SubscriberLog s : o.subscribers()) {
      ObjectNode sn = subscribers.addObject();
      sn.put("subscriber", s.subscriber());
      sn.put("channel", s.channel());
      ArrayNode events = sn.putArray("events");
      for (SubscriberEvent e : s.events()) {
        if (e instanceof SubscriberEvent.Subscribed sub) {
          events.addArray().add("sub").add(sub.wasRecovering()).add(sub.recovered()).add(sub.offset()).add(sub.epoch());
        } else {
          SubscriberEvent.Received r = (SubscriberEvent.Received) e;
          events.addArray().add("pub").add(r.offset()).add(r.payload());
        }
      }
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The observations in {@code json}; throws IllegalArgumentException naming what is malformed. */
  public static Observations read(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    }
    List<ChannelLog> channels = new ArrayList<>();
    for (JsonNode c : root.path("channels")) {
      List<Ack> acks = new ArrayList<>();
      for (JsonNode a : c.path("acks")) acks.add(new Ack(a.path(0).asText(), a.path(1).asLong(), a.path(2).asText()));
      HistorySnapshot history = null;
      JsonNode h = c.get("history");
      if (h != null && !h.isNull()) {
        List<HistorySnapshot.Entry> entries = new ArrayList<>();
        for (JsonNode p : h.path("publications")) entries.add(new HistorySnapshot.Entry(p.path(0).asLong(), p.path(1).asText()));
        history = new HistorySnapshot(h.path("epoch").asText(), h.path("top").asLong(), entries);
      }
      channels.add(new ChannelLog(required(c, "channel"), acks, history));
    }
    List<SubscriberLog> subscribers = new ArrayList<>();
    for (JsonNode s : root.path("subscribers")) {
      List<SubscriberEvent> events = new ArrayList<>();
      for (JsonNode e : s.path("events")) {
        switch (e.path(0).asText()) {
          case "sub" -> events.add(new SubscriberEvent.Subscribed(e.path(1).asBoolean(), e.path(2).asBoolean(), e.path(3).asLong(), e.path(4).asText()));
          case "pub" -> events.add(new SubscriberEvent.Received(e.path(1).asLong(), e.path(2).asText()));
          default -> throw new IllegalArgumentException("unknown event " + e + " of subscriber " + s.path("subscriber"));
        }
      }
      subscribers.add(new SubscriberLog(required(s, "subscriber"), required(s, "channel"), events));
    }
    return new Observations(channels, subscribers);
  }

  private static String required(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) throw new IllegalArgumentException("missing \"" + field + "\" in " + n);
    return v.textValue();
  }
}
