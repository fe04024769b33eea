package io.rebound.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class SessionResumeTest {

  static JsonNode json(String s) {
    return StreamTrackerTest.json(s);
  }

  static ObjectNode connect(SessionResume r) {
    ObjectNode c = Wire.object();
    r.addTo(c);
    return c;
  }

  @Test
  void asksForTheWindowAndResumesOnlyOnceThereIsASession() {
    SessionResume r = new SessionResume(30_000);
    assertThat(connect(r).toString()).isEqualTo("{\"resume_window\":30000}");
    assertThat(r.asked()).isFalse();
    assertThat(r.replied(json("{\"session\":\"s1\",\"resumed\":true}"))).as("not asked: a new session").isFalse();
    r.counted();
    r.counted();
    assertThat(connect(r).toString()).isEqualTo("{\"resume_window\":30000,\"resume\":{\"session\":\"s1\",\"received\":2}}");
    assertThat(r.asked()).isTrue();
  }

  @Test
  void aResumedSessionKeepsCountingAndARefusedOneStartsOver() {
    SessionResume r = new SessionResume(30_000);
    connect(r);
    r.replied(json("{\"session\":\"s1\"}"));
    r.counted();
    connect(r);
    assertThat(r.replied(json("{\"resumed\":true}"))).isTrue();
    r.counted();
    assertThat(connect(r).path("resume").toString()).isEqualTo("{\"session\":\"s1\",\"received\":2}");
    assertThat(r.replied(json("{\"session\":\"s2\"}"))).as("refused").isFalse();
    assertThat(connect(r).path("resume").toString()).isEqualTo("{\"session\":\"s2\",\"received\":0}");
    r.replied(json("{}")); // a new session the server keeps nothing of
    assertThat(connect(r).has("resume")).isFalse();
  }

  @Test
  void offOrForgottenNeverAsks() {
    SessionResume off = new SessionResume(0);
    off.replied(json("{\"session\":\"s1\"}"));
    assertThat(connect(off).isEmpty()).isTrue();
    SessionResume r = new SessionResume(1000);
    connect(r);
    r.replied(json("{\"session\":\"s1\"}"));
    r.forget();
    assertThat(connect(r).has("resume")).isFalse();
  }
}
