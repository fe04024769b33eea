package io.rebound.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.Await;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.RawClient;
import io.rebound.testing.StreamTamper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Discontinuity signalling (docs/EXTENSIONS.md §3) over the raw protocol: an overflowing outbound
 * queue and an unfillable gap keep the subscription and tell the client what it missed, which
 * {@code history until_attach} then returns exactly; clients without the extension still get
 * Centrifugo's behaviour (3008, unsubscribe 2500).
 */
class DiscontinuityIT {

  private static final String CONFIG = """
      {"client_queue_max_size": 65536,
       "namespaces": [
         {"name": "hist", "allow_subscribe_for_client": true, "allow_history_for_client": true,
          "history_size": 20000, "history_ttl": "300s", "force_recovery": true}
       ]}
      """;
  private static final String PAYLOAD = "x".repeat(16 * 1024);

  @RegisterExtension static final NodeExtension node = NodeExtension.of(CONFIG);

  // ---- helpers ---------------------------------------------------------------------------------

  private static RawClient connect(boolean discontinuity, String user, int receiveBuffer) {
    RawClient c = node.open(receiveBuffer);
    JsonNode r = c.call(1, "connect", "{\"token\":\"" + node.token(user) + "\"" + (discontinuity ? ",\"discontinuity\":true" : "") + "}");
    assertThat(r.has("connect")).as("connect reply %s", r).isTrue();
    return c;
  }

  /** Publishes {@code count} publications with one batch call; returns their offsets. */
  private static List<Long> publishBatch(String channel, int count, String payload) {
    return node.http().publishBatch(channel, 0, count, payload);
  }

  private static boolean on(JsonNode m, String channel, String kind) {
    return RawClient.isPush(m, channel, kind);
  }

  private static long pubOffset(JsonNode m) {
    return m.path("push").path("pub").path("offset").asLong();
  }

  /** Waits until the client's position on {@code channel} reaches {@code offset} (a publication, or a discontinuity attaching there or later). */
  private static void awaitPosition(RawClient c, String channel, long offset) {
    c.await("position " + offset + " on " + channel, m -> (on(m, channel, "pub") && pubOffset(m) == offset)
        || (on(m, channel, "discontinuity") && m.path("push").path("discontinuity").path("attach").path("offset").asLong() >= offset));
  }

  /** A discontinuity push: the missing range (since, attach]. */
  record Gap(long since, long attach) {}

  /**
   * Walks what {@code c} received on {@code channel} from position {@code start}: every publication
   * must be the next offset, every discontinuity ({@code reason}, same epoch) must start where the
   * stream was. Returns the gaps; adds the live offsets to {@code live}.
   */
  private static List<Gap> walk(RawClient c, String channel, long start, String epoch, String reason, List<Long> live) {
    return walk(c.received(), channel, start, epoch, reason, live);
  }

  private static List<Gap> walk(List<JsonNode> messages, String channel, long start, String epoch, String reason, List<Long> live) {
    long pos = start;
    List<Gap> gaps = new ArrayList<>();
    for (JsonNode m : messages) {
      if (on(m, channel, "pub")) {
        assertThat(pubOffset(m)).as("publication after position %d", pos).isEqualTo(pos + 1);
        pos = pubOffset(m);
        live.add(pos);
      } else if (on(m, channel, "discontinuity")) {
        JsonNode d = m.path("push").path("discontinuity");
        assertThat(d.path("reason").asText()).isEqualTo(reason);
        assertThat(d.path("since").path("epoch").asText()).isEqualTo(epoch);
        assertThat(d.path("attach").path("epoch").asText()).isEqualTo(epoch);
        assertThat(d.path("since").path("offset").asLong()).as("since of %s", d).isEqualTo(pos);
        assertThat(d.path("attach").path("offset").asLong()).as("attach of %s", d).isGreaterThan(pos);
        gaps.add(new Gap(pos, d.path("attach").path("offset").asLong()));
        pos = d.path("attach").path("offset").asLong();
      }
    }
    return gaps;
  }

  /**
   * Reads {@code (from, upTo]} with {@code history since=from until_attach}, {@code page} at a time,
   * asking for no more than the range (the attach bound on the server is the latest one).
   */
  private static List<JsonNode> readRange(RawClient c, long[] nextId, String channel, String epoch, long from, long upTo, int page) {
    List<JsonNode> out = new ArrayList<>();
    long cursor = from;
    while (cursor < upTo) {
      int limit = (int) Math.min(page, upTo - cursor);
      JsonNode pubs = history(c, nextId[0]++, channel, "\"since\":{\"offset\":" + cursor + ",\"epoch\":\"" + epoch + "\"},\"until_attach\":true,\"limit\":" + limit);
      assertThat(pubs.size()).as("page after %d", cursor).isPositive();
      for (JsonNode p : pubs) {
        assertThat(p.path("offset").asLong()).isEqualTo(cursor + 1);
        cursor++;
        out.add(p);
      }
    }
    return out;
  }

  /** Pages forward from {@code from} with until_attach until the server returns an empty page. */
  private static List<JsonNode> readUntilAttach(RawClient c, long[] nextId, String channel, String epoch, long from, int page) {
    List<JsonNode> out = new ArrayList<>();
    long cursor = from;
    while (true) {
      JsonNode pubs = history(c, nextId[0]++, channel, "\"since\":{\"offset\":" + cursor + ",\"epoch\":\"" + epoch + "\"},\"until_attach\":true,\"limit\":" + page);
      if (pubs.isEmpty()) return out;
      for (JsonNode p : pubs) {
        assertThat(p.path("offset").asLong()).isEqualTo(cursor + 1);
        cursor++;
        out.add(p);
      }
    }
  }

  private static JsonNode history(RawClient c, long id, String channel, String params) {
    JsonNode r = c.call(id, "history", "{\"channel\":\"" + channel + "\"," + params + "}");
    assertThat(r.has("history")).as("history reply %s", r).isTrue();
    return r.path("history").path("publications");
  }

  private static List<Long> offsets(List<JsonNode> pubs) {
    List<Long> out = new ArrayList<>();
    for (JsonNode p : pubs) out.add(p.path("offset").asLong());
    return out;
  }

  private static void assertExactlyOnce(List<Long> live, List<Long> fromHistory, List<Long> published) {
    List<Long> all = new ArrayList<>(live);
    all.addAll(fromHistory);
    all.sort(Long::compare);
    assertThat(all).as("live and history together: every publication exactly once").isEqualTo(published);
  }

  // ---- overflow --------------------------------------------------------------------------------

  @Test
  void overflowDropsPublicationsInsteadOfClosingAndHistoryReturnsExactlyWhatWasDropped() {
    String ch = "hist:overflow";
    try (RawClient c = connect(true, "ovf", 4096)) {
      JsonNode sub = c.subscribe(2, ch);
      String epoch = sub.path("epoch").asText();
      long start = sub.path("offset").asLong(0);
      c.pause();
      double before = node.http().metric("rebound_discontinuities_total");
      List<Long> published = new ArrayList<>();
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (node.http().metric("rebound_discontinuities_total") <= before) {
        assertThat(System.nanoTime()).as("the queue overflowed before 20s of publishing").isLessThan(deadline);
        published.addAll(publishBatch(ch, 20, PAYLOAD));
      }
      published.addAll(publishBatch(ch, 20, PAYLOAD)); // more after the first drop
      c.resumeReading();
      long last = published.get(published.size() - 1);
      awaitPosition(c, ch, last);
      assertThat(c.call(3, "ping", "{}").has("ping")).isTrue();
      assertThat(c.isClosed()).as("not closed as a slow consumer").isFalse();

      List<Long> live = new ArrayList<>();
      List<Gap> gaps = walk(c, ch, start, epoch, "overflow", live);
      assertThat(gaps).isNotEmpty();
      long[] id = {4};
      List<Long> fromHistory = new ArrayList<>();
      // Pages of 3: a reply is never dropped, and one larger than client_queue_max_size (64 KiB here,
      // publications of 16 KiB) would close the connection as slow.
      for (Gap g : gaps) fromHistory.addAll(offsets(readRange(c, id, ch, epoch, g.since(), g.attach(), 3)));
      // The latest gap without a client-side bound: the server stops at the attach point by itself.
      Gap latest = gaps.get(gaps.size() - 1);
      List<Long> expected = new ArrayList<>();
      for (long o = latest.since() + 1; o <= latest.attach(); o++) expected.add(o);
      assertThat(offsets(readUntilAttach(c, id, ch, epoch, latest.since(), 3))).isEqualTo(expected);
      assertExactlyOnce(live, fromHistory, published);
    }
  }

  @Test
  void overflowWithoutTheExtensionStillClosesWith3008() {
    String ch = "hist:overflow-plain";
    try (RawClient c = connect(false, "ovf-plain", 4096)) {
      c.subscribe(2, ch);
      c.pause();
      double before = node.http().metric("rebound_slow_consumer_disconnects_total");
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (node.http().metric("rebound_slow_consumer_disconnects_total") <= before) {
        assertThat(System.nanoTime()).as("the queue overflowed before 20s of publishing").isLessThan(deadline);
        publishBatch(ch, 20, PAYLOAD);
      }
      c.resumeReading();
      assertThat(c.awaitClose()).isEqualTo((short) 3008);
      assertThat(c.received().stream().filter(m -> on(m, ch, "discontinuity")).toList()).isEmpty();
    }
  }

  // ---- unfillable gap --------------------------------------------------------------------------

  @Test
  void unfillableGapKeepsTheSubscriptionAndHistoryReturnsExactlyTheMissingRange() {
    String ch = "hist:gap";
    try (RawClient d = connect(true, "gap-d", 0); RawClient plain = connect(false, "gap-plain", 0)) {
      JsonNode sub = d.subscribe(2, ch);
      plain.subscribe(2, ch);
      String epoch = sub.path("epoch").asText();
      long start = sub.path("offset").asLong(0);
      List<Long> published = new ArrayList<>(publishBatch(ch, 3, null));
      d.awaitCount("3 publications", 3, m -> on(m, ch, "pub"));
      plain.awaitCount("3 publications", 3, m -> on(m, ch, "pub"));

      long hidden;
      JsonNode discontinuity;
      try (StreamTamper tamper = StreamTamper.holdPositionedReads(node.node(), ch)) {
        // Stored, never fanned out; and the edge's reads to fill the gap do not come back.
        hidden = StreamTamper.appendWithoutFanout(node.node(), ch, "{\"hidden\":true}");
        published.add(hidden);
        published.addAll(publishBatch(ch, 1100, null)); // more than ChannelOrder.MAX_HELD behind the gap
        discontinuity = d.push(ch, "discontinuity");
        JsonNode unsubscribe = plain.push(ch, "unsubscribe");
        assertThat(unsubscribe.path("code").asInt()).isEqualTo(2500);
      }
      assertThat(discontinuity.path("reason").asText()).isEqualTo("gap");
      assertThat(discontinuity.path("since").path("offset").asLong()).isEqualTo(hidden - 1);
      assertThat(discontinuity.path("attach").path("offset").asLong()).isGreaterThanOrEqualTo(hidden + 1024);

      published.addAll(publishBatch(ch, 10, null)); // live after the attach point
      long last = published.get(published.size() - 1);
      awaitPosition(d, ch, last);
      assertThat(d.call(3, "ping", "{}").has("ping")).isTrue();

      List<Long> live = new ArrayList<>();
      List<Gap> gaps = walk(d, ch, start, epoch, "gap", live);
      assertThat(gaps).hasSize(1);
      long[] id = {4};
      List<JsonNode> missing = readUntilAttach(d, id, ch, epoch, gaps.get(0).since(), 100);
      List<Long> expected = new ArrayList<>();
      for (long o = gaps.get(0).since() + 1; o <= gaps.get(0).attach(); o++) expected.add(o);
      assertThat(offsets(missing)).isEqualTo(expected);
      assertThat(missing.get(0).path("data").path("hidden").asBoolean()).isTrue();
      assertExactlyOnce(live, offsets(missing), published);

      // Without the extension the subscription ended with the 2500 push, after the first three.
      assertThat(plain.received().stream().filter(m -> on(m, ch, "pub")).map(DiscontinuityIT::pubOffset).toList())
          .isEqualTo(published.subList(0, 3));
      assertThat(plain.isClosed()).isFalse();
    }
  }

  @Test
  void gapWhileDetachedReachesAResumingClientAsADiscontinuity() {
    String ch = "hist:gap-detached";
    try (ResumableSession s = ResumableSession.connect(node, "gap-r", 30_000, ",\"discontinuity\":true")) {
      JsonNode sub = s.subscribe(ch);
      String epoch = sub.path("epoch").asText();
      long start = sub.path("offset").asLong(0);
      List<Long> published = new ArrayList<>(publishBatch(ch, 3, null));
      s.current().awaitCount("3 publications", 3, m -> on(m, ch, "pub"));
      s.cut();

      double before = node.http().metric("rebound_discontinuities_total");
      try (StreamTamper tamper = StreamTamper.holdPositionedReads(node.node(), ch)) {
        published.add(StreamTamper.appendWithoutFanout(node.node(), ch, "{\"hidden\":true}"));
        published.addAll(publishBatch(ch, 1100, null));
        Await.until("the detached session re-attached", java.time.Duration.ofSeconds(10),
            () -> node.http().metric("rebound_discontinuities_total") > before);
      }
      published.addAll(publishBatch(ch, 5, null));
      long last = published.get(published.size() - 1);

      s.resumeAccepted();
      RawClient second = s.current();
      awaitPosition(second, ch, last);
      assertThat(second.call(3, "ping", "{}").has("ping")).isTrue();

      List<Long> live = new ArrayList<>();
      List<Gap> gaps = walk(s.stream(), ch, start, epoch, "gap", live);
      assertThat(gaps).hasSize(1);
      long[] id = {4};
      List<Long> missing = offsets(readUntilAttach(second, id, ch, epoch, gaps.get(0).since(), 100));
      assertExactlyOnce(live, missing, published);
    }
  }

  // ---- history until_attach --------------------------------------------------------------------

  @Test
  void historyUntilAttachNeedsASubscriptionAndReversePagesBackFromTheAttachPoint() {
    String ch = "hist:until-attach";
    List<Long> before = publishBatch(ch, 10, null);
    try (RawClient c = connect(false, "ua", 0)) {
      JsonNode refused = c.call(2, "history", "{\"channel\":\"" + ch + "\",\"until_attach\":true,\"limit\":10}");
      assertThat(refused.path("error").path("code").asInt()).as("reply %s", refused).isEqualTo(107);

      JsonNode sub = c.subscribe(3, ch);
      String epoch = sub.path("epoch").asText();
      long attach = sub.path("offset").asLong();
      assertThat(attach).isEqualTo(before.get(9));
      publishBatch(ch, 5, null);
      c.awaitCount("5 live publications", 5, m -> on(m, ch, "pub"));

      List<Long> backwards = new ArrayList<>();
      long id = 4;
      String since = "";
      while (true) {
        JsonNode pubs = history(c, id++, ch, since + "\"until_attach\":true,\"reverse\":true,\"limit\":4");
        if (pubs.isEmpty()) break;
        for (JsonNode p : pubs) backwards.add(p.path("offset").asLong());
        since = "\"since\":{\"offset\":" + backwards.get(backwards.size() - 1) + ",\"epoch\":\"" + epoch + "\"},";
      }
      List<Long> expected = new ArrayList<>(before);
      java.util.Collections.reverse(expected);
      assertThat(backwards).isEqualTo(expected);

      // Forward, the attach point bounds the read too.
      JsonNode forward = history(c, id, ch, "\"since\":{\"offset\":" + before.get(7) + ",\"epoch\":\"" + epoch + "\"},\"until_attach\":true,\"limit\":100");
      assertThat(offsets(toList(forward))).isEqualTo(before.subList(8, 10));
    }
  }

  private static List<JsonNode> toList(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }
}
