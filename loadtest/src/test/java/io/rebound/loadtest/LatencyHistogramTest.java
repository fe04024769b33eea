package io.rebound.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Self-check of the benchmark's math and parsing, since the broker cannot be driven end-to-end yet. */
class LatencyHistogramTest {

  @Nested
  class Percentiles {

    @Test
    void emptyHistogramReportsZero() {
      LatencyHistogram h = new LatencyHistogram();
      assertThat(h.percentileMicros(0.5)).isZero();
      assertThat(h.percentileMicros(0.99)).isZero();
      assertThat(h.maxMicros()).isZero();
    }

    @Test
    void uniformMillisecondsGiveUpperBucketEdgeCappedAtMax() {
      LatencyHistogram h = new LatencyHistogram(); // 100 µs buckets
      for (int ms = 1; ms <= 100; ms++) h.record(ms * 1000L);
      assertThat(h.count()).isEqualTo(100);
      // rank 50 is the value 50 000 µs, in bucket [50 000, 50 100): reported as its upper edge
      assertThat(h.percentileMicros(0.50)).isEqualTo(50_100);
      assertThat(h.percentileMicros(0.99)).isEqualTo(99_100);
      assertThat(h.percentileMicros(1.0)).isEqualTo(100_000); // capped at the exact max
      assertThat(h.maxMicros()).isEqualTo(100_000);
    }

    @Test
    void oneMillisecondBucketsMatchTheIssueExample() {
      LatencyHistogram h = new LatencyHistogram(1000, 10_000_000L);
      for (int i = 0; i < 98; i++) h.record(2_300);
      h.record(40_000);
      h.record(41_500);
      assertThat(h.percentileMicros(0.50)).isEqualTo(3_000);
      assertThat(h.percentileMicros(0.98)).isEqualTo(3_000);
      assertThat(h.percentileMicros(0.99)).isEqualTo(41_000);
      assertThat(h.maxMicros()).isEqualTo(41_500);
    }

    @Test
    void overflowCountsAsTheMaximumAndNegativeClampsToZero() {
      LatencyHistogram h = new LatencyHistogram(1000, 10_000L); // 10 buckets, 0..10 ms
      h.record(-5);
      h.record(500);
      h.record(25_000);
      h.record(30_000);
      assertThat(h.overflow()).isEqualTo(2);
      assertThat(h.percentileMicros(0.25)).isEqualTo(1000);
      assertThat(h.percentileMicros(0.50)).isEqualTo(1000);
      assertThat(h.percentileMicros(0.75)).isEqualTo(30_000);
      assertThat(h.maxMicros()).isEqualTo(30_000);
    }

    @Test
    void mergeAddsCountsAndCopyIsIndependent() {
      LatencyHistogram a = new LatencyHistogram();
      LatencyHistogram b = new LatencyHistogram();
      for (int i = 0; i < 50; i++) a.record(1_000);
      for (int i = 0; i < 50; i++) b.record(9_000);
      LatencyHistogram snapshot = a.copy();
      a.merge(b);
      assertThat(a.count()).isEqualTo(100);
      assertThat(a.percentileMicros(0.5)).isEqualTo(1_100);
      assertThat(a.percentileMicros(0.51)).isEqualTo(9_000);
      assertThat(snapshot.count()).isEqualTo(50);
      a.reset();
      assertThat(a.count()).isZero();
      assertThat(a.percentileMicros(0.99)).isZero();
    }

    @Test
    void rejectsBadInput() {
      assertThatThrownBy(() -> new LatencyHistogram().percentileMicros(0)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new LatencyHistogram(1000, 10_000).merge(new LatencyHistogram()))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void medianOfRuns() {
      RunResult a = run(100, 1.0);
      RunResult b = run(300, 3.0);
      RunResult c = run(200, 9.0);
      assertThat(BenchReport.median(List.of(a, b, c), RunResult::deliveriesPerSec)).isEqualTo(200);
      assertThat(BenchReport.median(List.of(a, b), RunResult::p99Ms)).isEqualTo(2.0);
      assertThat(BenchReport.summary(List.of(a, b, c)).getLong("deliveries_per_s")).isEqualTo(200);
      assertThat(BenchReport.json(a).fieldNames()).contains("subscribers", "publications", "expected", "delivered",
          "lost", "duplicates", "out_of_order", "deliveries_per_s", "publish_per_s", "p50_ms", "p99_ms", "max_ms");
    }

    private RunResult run(double perSec, double p99) {
      return new RunResult(0, 10, 10, 100, 100, 0, 0, 0, 0, 0, null, perSec, 50, 1, p99, p99);
    }
  }

  @Nested
  class Frames {

    private static final String CONNECT_REPLY =
        "{\"id\":1,\"connect\":{\"client\":\"2c4f7e1a\",\"version\":\"0.1.0\",\"expires\":true,\"ttl\":3599,\"ping\":25,\"pong\":true}}";
    private static final String SUBSCRIBE_REPLY =
        "{\"id\":2,\"subscribe\":{\"recoverable\":true,\"positioned\":true,\"epoch\":\"qZsh\",\"offset\":12}}";

    @Test
    void batchedReplyPingAndPublications() {
      String frame = CONNECT_REPLY + "\n" + SUBSCRIBE_REPLY + "\n{}\n"
          + pub(1_700_000_000_123_456L, 7, 13) + "\n\n"
          + pub(1_700_000_000_200_000L, 8, 14) + "\n";
      Recorder r = new Recorder();
      assertThat(FrameScanner.scan(frame, r)).isEqualTo(5);
      assertThat(r.events).containsExactly("reply " + CONNECT_REPLY, "reply " + SUBSCRIBE_REPLY, "ping",
          "pub seq=7 t=1700000000123456 offset=13", "pub seq=8 t=1700000000200000 offset=14");
    }

    @Test
    void pingAloneAndWithWhitespace() {
      Recorder r = new Recorder();
      FrameScanner.scan("{}", r);
      FrameScanner.scan(" {}\r\n", r);
      assertThat(r.events).containsExactly("ping", "ping");
    }

    @Test
    void errorReplyIsHandedOverWhole() {
      String err = "{\"id\":2,\"error\":{\"code\":103,\"message\":\"permission denied\"}}";
      Recorder r = new Recorder();
      FrameScanner.scan(CONNECT_REPLY + "\n" + err, r);
      assertThat(r.events).containsExactly("reply " + CONNECT_REPLY, "reply " + err);
    }

    @Test
    void keyOrderAndSpacesDoNotMatter() {
      String line = "{\"push\": {\"pub\": {\"offset\": 99, \"data\": {\"p\": \"xx\", \"seq\": 42, \"t\": 5}}, \"channel\": \"chat:bench\"}}";
      Recorder r = new Recorder();
      FrameScanner.scan(line, r);
      assertThat(r.events).containsExactly("pub seq=42 t=5 offset=99");
    }

    @Test
    void publicationWithoutOffsetOrForeignData() {
      Recorder r = new Recorder();
      FrameScanner.scan("{\"push\":{\"channel\":\"chat:bench\",\"pub\":{\"data\":{\"t\":10,\"seq\":3}}}}\n"
          + "{\"push\":{\"channel\":\"chat:bench\",\"pub\":{\"data\":{\"text\":\"hi\"},\"offset\":4}}}", r);
      assertThat(r.events).containsExactly("pub seq=3 t=10 offset=none", "pub seq=none t=none offset=4");
    }

    @Test
    void otherPushesAreNotPublications() {
      String unsub = "{\"push\":{\"channel\":\"chat:bench\",\"unsubscribe\":{\"code\":2500,\"reason\":\"insufficient state\"}}}";
      String join = "{\"push\":{\"channel\":\"chat:bench\",\"join\":{\"info\":{\"user\":\"42\",\"client\":\"c1\"}}}}";
      Recorder r = new Recorder();
      FrameScanner.scan(unsub + "\n" + join, r);
      assertThat(r.events).containsExactly("push " + unsub, "push " + join);
    }

    @Test
    void numbersParseInPlace() {
      assertThat(FrameScanner.longAfter("{\"t\":-12,\"x\":1}", "\"t\":", 0, 15)).isEqualTo(-12);
      assertThat(FrameScanner.longAfter("{\"t\":\"a\"}", "\"t\":", 0, 9)).isEqualTo(FrameScanner.NO_VALUE);
      // a key beyond the line end does not count
      assertThat(FrameScanner.longAfter("{\"a\":1}\n{\"t\":2}", "\"t\":", 0, 7)).isEqualTo(FrameScanner.NO_VALUE);
    }

    @Test
    void publisherBodyRoundTripsThroughThePushFormat() {
      // what PublisherLoop sends as data, wrapped the way the broker pushes it
      String data = "{\"t\":1700000000999999,\"seq\":2001,\"p\":\"" + "x".repeat(64) + "\"}";
      Recorder r = new Recorder();
      FrameScanner.scan("{\"push\":{\"channel\":\"chat:bench\",\"pub\":{\"data\":" + data + ",\"offset\":2002}}}", r);
      assertThat(r.events).containsExactly("pub seq=2001 t=1700000000999999 offset=2002");
    }

    private String pub(long t, long seq, long offset) {
      return "{\"push\":{\"channel\":\"chat:bench\",\"pub\":{\"data\":{\"t\":" + t + ",\"seq\":" + seq
          + ",\"p\":\"xxxxxxxx\"},\"offset\":" + offset + "}}}";
    }
  }

  @Nested
  class Options {

    @Test
    void parsesListsAndDefaults() {
      BenchOptions o = BenchOptions.parse(new String[] {"--url", "ws://a:1/connection/websocket,ws://b:2/connection/websocket",
          "--api", "http://a:1/api/,http://b:2/api", "--secret", "s", "--runs", "3", "--json", "--strict"});
      assertThat(o.urls()).hasSize(2);
      assertThat(o.apis()).containsExactly("http://a:1/api", "http://b:2/api");
      assertThat(o.subscribers()).isEqualTo(BenchOptions.DEFAULT_SUBSCRIBERS);
      assertThat(o.runs()).isEqualTo(3);
      assertThat(o.json()).isTrue();
      assertThat(o.strict()).isTrue();
    }

    @Test
    void needsACredential() {
      assertThatThrownBy(() -> BenchOptions.parse(new String[0])).hasMessageContaining("--token");
      assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--token", "t", "--print-token", "u"}))
          .hasMessageContaining("--secret");
      assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--token", "t", "--inflight", "0"}))
          .hasMessageContaining("--inflight");
    }

    @Test
    void webSocketTargetFromUrl() {
      var t = SubscriberShard.target("ws://127.0.0.1:8000/connection/websocket?cf_protocol=json");
      assertThat(t.getHost()).isEqualTo("127.0.0.1");
      assertThat(t.getPort()).isEqualTo(8000);
      assertThat(t.getURI()).isEqualTo("/connection/websocket?cf_protocol=json");
    }
  }

  /** Records scanner callbacks as strings. */
  private static final class Recorder implements FrameScanner.Listener {
    final List<String> events = new ArrayList<>();

    @Override
    public void onPing() {
      events.add("ping");
    }

    @Override
    public void onPublication(long seq, long t, long offset) {
      events.add("pub seq=" + n(seq) + " t=" + n(t) + " offset=" + n(offset));
    }

    @Override
    public void onOtherPush(String line) {
      events.add("push " + line);
    }

    @Override
    public void onReply(String line) {
      events.add("reply " + line);
    }

    private static String n(long v) {
      return v == FrameScanner.NO_VALUE ? "none" : Long.toString(v);
    }
  }
}
