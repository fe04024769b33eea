package io.rebound.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SessionRecordTest {

  @Test
  void survivesItsJsonForm() {
    SessionRecord live = new SessionRecord("c1", "user \"42\"", "node-1", 7, List.of("chat:a", "news"), null);
    SessionRecord ended = new SessionRecord("c1", "", "node-1", 7, List.of(), new SessionRecord.Ended(3503, "force disconnect", 1234));
    assertThat(SessionRecord.fromJson(live.toJson())).isEqualTo(live);
    assertThat(SessionRecord.fromJson(ended.toJson())).isEqualTo(ended);
  }

  @Test
  void aLiveRecordOfADeadNodeBecomesANodeLostDisconnectWithItsChannels() {
    SessionRecord live = new SessionRecord("c1", "42", "node-1", 3, List.of("chat:a", "news"), null);
    WebhookEvent e = live.disconnectEvent(5000);
    assertThat(e.id()).isEqualTo("c1:disconnect");
    assertThat(e.type()).isEqualTo(EventType.DISCONNECT);
    assertThat(e.seq()).isEqualTo(3);
    assertThat(e.time()).isEqualTo(5000);
    assertThat(e.disconnect()).isEqualTo(WebhookEvent.NODE_LOST);
    assertThat(e.channels()).containsExactly("chat:a", "news");
    assertThat(e.node()).isEqualTo("node-1");
  }

  @Test
  void anEndedRecordGivesTheEventItsNodeSentAnyone() {
    SessionRecord ended = new SessionRecord("c1", "42", "node-1", 3, List.of("news"), new SessionRecord.Ended(3001, "shutdown", 1234));
    // Whoever builds it and whenever: the same event, so duplicates are identical, not only same-id.
    assertThat(ended.disconnectEvent(5000)).isEqualTo(ended.disconnectEvent(9999));
    assertThat(ended.disconnectEvent(5000).time()).isEqualTo(1234);
    assertThat(ended.disconnectEvent(5000).disconnect().code()).isEqualTo(3001);
  }

  @Test
  void garbageIsRefused() {
    assertThatThrownBy(() -> SessionRecord.fromJson("{\"user\":\"x\"}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SessionRecord.fromJson("not json")).isInstanceOf(IllegalArgumentException.class);
  }
}
