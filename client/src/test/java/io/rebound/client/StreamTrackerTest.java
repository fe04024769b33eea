package io.rebound.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamTrackerTest {

  static JsonNode json(String s) {
    try {
      return Wire.parse(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static List<Long> offsets(List<Publication> pubs) {
    return pubs.stream().map(Publication::offset).toList();
  }

  @Test
  void tracksThePositionOfARecoverableSubscriptionAndDropsRepeatedOffsets() {
    StreamTracker t = new StreamTracker();
    assertThat(t.subscribed("c", json("{\"recoverable\":true,\"positioned\":true,\"epoch\":\"e\",\"offset\":3}"))).isEmpty();
    assertThat(t.position()).isEqualTo(new StreamPosition(3, "e"));
    assertThat(t.accept(json("{\"offset\":3}"))).isFalse();
    assertThat(t.accept(json("{\"offset\":4}"))).isTrue();
    assertThat(t.accept(json("{\"offset\":4}"))).isFalse();
    assertThat(t.accept(json("{\"offset\":2}"))).isFalse();
    assertThat(t.accept(json("{\"offset\":5}"))).isTrue();
    ObjectNode req = Wire.object();
    t.addRecovery(req);
    assertThat(req.toString()).isEqualTo("{\"recover\":true,\"offset\":5,\"epoch\":\"e\"}");
  }

  @Test
  void recoveryAnsweredWithTheRequestOffsetDeliversEveryMissedPublication() {
    StreamTracker t = new StreamTracker(new StreamPosition(5, "e"));
    List<Publication> pubs = t.subscribed("c", json("""
        {"recoverable":true,"epoch":"e","offset":5,"recovered":true,"was_recovering":true,
         "publications":[{"offset":6,"data":1},{"offset":7,"data":2}]}"""));
    assertThat(offsets(pubs)).containsExactly(6L, 7L);
    assertThat(t.position()).isEqualTo(new StreamPosition(7, "e"));
  }

  @Test
  void recoveryAnsweredWithTheTopOffsetStillDeliversTheMissedOnesButNotOnesAlreadySeen() {
    StreamTracker t = new StreamTracker(new StreamPosition(5, "e"));
    List<Publication> pubs = t.subscribed("c", json("""
        {"recoverable":true,"epoch":"e","offset":7,"recovered":true,"was_recovering":true,
         "publications":[{"offset":5,"data":0},{"offset":6,"data":1},{"offset":7,"data":2}]}"""));
    assertThat(offsets(pubs)).containsExactly(6L, 7L);
    assertThat(t.position()).isEqualTo(new StreamPosition(7, "e"));
  }

  @Test
  void failedRecoveryJumpsToTheNewTop() {
    StreamTracker t = new StreamTracker(new StreamPosition(5, "e"));
    assertThat(t.subscribed("c", json("{\"recoverable\":true,\"epoch\":\"f\",\"offset\":2,\"was_recovering\":true}"))).isEmpty();
    assertThat(t.position()).isEqualTo(new StreamPosition(2, "f"));
    assertThat(t.accept(json("{\"offset\":3}"))).isTrue();
  }

  @Test
  void aNotPositionedSubscriptionDeliversEverything() {
    StreamTracker t = new StreamTracker();
    t.subscribed("c", json("{}"));
    assertThat(t.accept(json("{\"offset\":1}"))).isTrue();
    assertThat(t.accept(json("{\"offset\":1}"))).isTrue();
    assertThat(t.position()).isNull();
    ObjectNode req = Wire.object();
    t.addRecovery(req);
    assertThat(req.isEmpty()).isTrue();
  }

  @Test
  void discontinuityMovesToTheAttachPositionAndInvalidationNeverMatches() {
    StreamTracker t = new StreamTracker();
    t.subscribed("c", json("{\"recoverable\":true,\"epoch\":\"e\",\"offset\":41}"));
    t.attach(new StreamPosition(57, "e"));
    assertThat(t.position()).isEqualTo(new StreamPosition(57, "e"));
    assertThat(t.accept(json("{\"offset\":57}"))).isFalse();
    assertThat(t.accept(json("{\"offset\":58}"))).isTrue();
    t.invalidate();
    ObjectNode req = Wire.object();
    t.addRecovery(req);
    assertThat(req.toString()).isEqualTo("{\"recover\":true,\"epoch\":\"_\"}");
  }
}
