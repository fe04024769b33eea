package io.rebound.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.protocol.Disconnect;
import java.util.ArrayList;
import java.util.List;

/**
 * What the cluster keeps about one live session so that its disconnect can be reported even when
 * its node dies: who it is, where it lives, the channels it holds and the sequence number its next
 * event would take; once the session ended (but before the backend acknowledged the disconnect),
 * also how it ended. Immutable; stored as compact JSON ({@link #toJson}).
 *
 * <p>{@link #disconnectEvent} is the one definition of a session's disconnect event: the node that
 * held the session and a survivor reporting for it build it from the same record, so both send the
 * same id, seq, code and reason.
 *
 * @param client the client id
 * @param user the user ({@code ""} when anonymous)
 * @param node the name of the node holding the connection
 * @param nextSeq the seq of the session's next event (the disconnect's, if none follows)
 * @param channels the channels subscribed now, in subscription order
 * @param ended how the session ended, or null while it is live
 */
public record SessionRecord(String client, String user, String node, long nextSeq, List<String> channels, Ended ended) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How and when a session ended (epoch milliseconds). */
  public record Ended(int code, String reason, long time) {}

  public SessionRecord {
    channels = List.copyOf(channels);
  }

  /** The session's disconnect event: as it ended, or (still live when its node died) {@link WebhookEvent#NODE_LOST} at {@code now}. */
  public WebhookEvent disconnectEvent(long now) {
    if (ended != null) {
      return WebhookEvent.disconnect(nextSeq, node, user, client, new Disconnect(ended.code, ended.reason), channels, ended.time);
    }
    return WebhookEvent.disconnect(nextSeq, node, user, client, WebhookEvent.NODE_LOST, channels, now);
  }

  public String toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("client", client);
    o.put("user", user);
    o.put("node", node);
    o.put("seq", nextSeq);
    ArrayNode list = o.putArray("channels");
    channels.forEach(list::add);
    if (ended != null) {
      ObjectNode e = o.putObject("ended");
      e.put("code", ended.code);
      e.put("reason", ended.reason);
      e.put("time", ended.time);
    }
    return o.toString();
  }

  /** The record in {@code json}; fails with IllegalArgumentException on anything {@link #toJson} does not write. */
  public static SessionRecord fromJson(String json) {
    JsonNode o;
    try {
      o = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a session record: " + e.getOriginalMessage(), e);
    }
    if (o == null || !o.path("client").isTextual() || !o.path("seq").canConvertToLong()) {
      throw new IllegalArgumentException("not a session record: " + json);
    }
    List<String> channels = new ArrayList<>();
    o.path("channels").forEach(c -> channels.add(c.asText()));
    JsonNode e = o.get("ended");
    Ended ended = e == null ? null : new Ended(e.path("code").asInt(), e.path("reason").asText(), e.path("time").asLong());
    return new SessionRecord(o.path("client").asText(), o.path("user").asText(), o.path("node").asText(), o.path("seq").asLong(),
        channels, ended);
  }
}
