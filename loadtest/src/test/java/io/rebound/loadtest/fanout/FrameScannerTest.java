package io.rebound.loadtest.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Allocation-free scanning of real protocol frames: pings, publications, other pushes and replies. */
class FrameScannerTest {

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
