package io.rebound.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The stream position of one subscription (client- or server-side), as the centrifuge JS SDK keeps it (PROTOCOL.md
 * §3.4), and the rule that makes delivery exactly-once and in order: a publication whose offset is at or below the
 * current one (same epoch) was already delivered and is dropped. Confined to the client's context.
 */
final class StreamTracker {

  /** Offset sentinel epoch of an invalidated position (unsubscribe 2502): it can never match, so recovery reports false. */
  static final String INVALID_EPOCH = "_";

  /** The server gives this subscription positions (recoverable or positioned): offsets are comparable. */
  boolean tracked;
  /** Resubscribe with {@code recover}: the server said {@code recoverable} (or the app gave a start position). */
  boolean recover;
  long offset;
  String epoch = "";

  StreamTracker() {}

  StreamTracker(StreamPosition since) {
    if (since != null) {
      recover = true;
      tracked = true;
      offset = since.offset();
      epoch = since.epoch();
    }
  }

  StreamPosition position() {
    return tracked ? new StreamPosition(offset, epoch) : null;
  }

  /** Adds {@code recover}, {@code offset}, {@code epoch} to a subscribe request when there is a position to recover from. */
  void addRecovery(ObjectNode request) {
    if (!recover) return;
    request.put("recover", true);
    if (offset != 0) request.put("offset", offset);
    if (!epoch.isEmpty()) request.put("epoch", epoch);
  }

  /**
   * Applies a subscribe result (or a connect reply's {@code subs} entry, or a {@code subscribe} push) and returns the
   * publications it carries that must be delivered, in order. On a successful recovery the server may answer with the
   * position the client recovered from (Centrifugo) or with the top; either way publications at or below the
   * position the client already had are dropped, and the position ends at the highest of the two.
   */
  List<Publication> subscribed(String channel, JsonNode result) {
    boolean recovered = result.path("recovered").asBoolean(false);
    long before = offset;
    String epochBefore = epoch;
    String resultEpoch = result.path("epoch").asText("");
    tracked = result.path("recoverable").asBoolean(false) || result.path("positioned").asBoolean(false);
    recover = result.path("recoverable").asBoolean(false);
    offset = result.path("offset").asLong(0);
    epoch = resultEpoch;
    long floor = recovered && epochBefore.equals(resultEpoch) ? before : Long.MIN_VALUE;
    List<Publication> deliver = new ArrayList<>();
    for (Publication p : Wire.publications(channel, result.get("publications"))) {
      if (p.offset() > 0) {
        if (p.offset() <= floor) continue;
        if (!deliver.isEmpty() && p.offset() <= deliver.get(deliver.size() - 1).offset()) continue;
        if (p.offset() > offset) offset = p.offset();
      }
      deliver.add(p);
    }
    return deliver;
  }

  /** Whether a live publication is new; if so the position moves to it. */
  boolean accept(JsonNode pub) {
    long o = pub.path("offset").asLong(0);
    String e = pub.path("epoch").asText("");
    if (!e.isEmpty() && !e.equals(epoch)) {
      epoch = e; // the stream was reset while subscribed (the publication says so): a new numbering starts
      offset = o;
      return true;
    }
    if (o <= 0) return true;
    if (tracked && o <= offset) return false;
    offset = o;
    return true;
  }

  /** A discontinuity: the subscription continues from {@code attach}. */
  void attach(StreamPosition attach) {
    if (attach == null) return;
    if (!attach.epoch().equals(epoch) || attach.offset() > offset) {
      epoch = attach.epoch();
      offset = attach.offset();
    }
  }

  /** Unsubscribe push 2502: the client's state is unusable; the next subscribe must report {@code recovered: false}. */
  void invalidate() {
    offset = 0;
    epoch = INVALID_EPOCH;
  }
}
