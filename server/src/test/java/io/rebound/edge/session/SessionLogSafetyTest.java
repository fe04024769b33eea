package io.rebound.edge.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.edge.Edge;
import io.rebound.edge.session.SessionBed.Client;
import io.rebound.protocol.Disconnect;
import io.rebound.testing.Await;
import io.rebound.testing.LogCapture;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 12, edge side: a value from a client or backend (user id, token header, reason,
 * channel, control op) never ends a log line or forges a key of it. Each case puts {@code
 * \nevent=forged} (or a space and '=') into one value the edge logs, and reads what the edge's
 * loggers wrote.
 */
class SessionLogSafetyTest {

  private static final String FORGED = "x\nevent=forged who=";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private SessionBed bed;
  private Edge edge;
  private LogCapture log;

  @BeforeEach
  void start() {
    bed = new SessionBed("{\"namespaces\": [{\"name\": \"feed\", \"allow_subscribe_for_client\": true}]}");
    edge = bed.newEdge();
    log = LogCapture.start(ClientSession.class, ConnectHandler.class, ContinuityHandler.class, Edge.class);
  }

  @AfterEach
  void stop() {
    log.close();
    bed.close();
  }

  private Client connected(String user) {
    Client c = bed.accept(edge);
    c.transport().send("{\"id\":1,\"connect\":{\"token\":\"" + bed.token(user) + "\"}}");
    Await.until("connected", WAIT, () -> c.transport().messages().stream().anyMatch(m -> m.has("connect")));
    return c;
  }

  /** No line of the capture starts a forged event; the one line of {@code event} holds the escaped value. */
  private String onlyLine(String event) {
    List<String> lines = Await.value(event + " logged", WAIT, () -> log.event(event).isEmpty() ? null : log.event(event));
    assertThat(log.lines()).noneMatch(l -> l.startsWith("event=forged"));
    assertThat(lines).hasSize(1);
    return lines.get(0);
  }

  @Test
  void aUserIdAndABadRequestReasonAreEscaped() {
    Client c = connected(FORGED);
    c.transport().send("{\"id\":2,\"subscribe\":{\"channel\":\"feed:a\"}}\nnope\u0085event=forged");
    assertThat(Await.value("closed", WAIT, () -> c.transport().closedWith())).isEqualTo(Disconnect.BAD_REQUEST);
    String line = onlyLine("bad_request");
    // The parser quotes the bad token up to the '=': its NEL is escaped, not written raw.
    assertThat(line).contains("user=\"x\\nevent=forged who=\"").contains("nope\\u0085event").doesNotContain("\u0085");
  }

  @Test
  void aDisconnectReasonFromTheApiIsEscaped() {
    Client c = connected("bob");
    SessionBed.onLoop(edge, () -> edge.onControl(new JsonObject().put("op", "disconnect").put("user", "bob")
        .put("code", 4000).put("reason", FORGED)));
    Await.until("closed", WAIT, () -> c.transport().closedWith() != null);
    assertThat(onlyLine("disconnect")).contains("reason=\"x\\nevent=forged who=\"");
  }

  @Test
  void aSocketErrorIsEscaped() {
    Client c = connected("bob");
    SessionBed.onLoop(edge, () -> c.session().onError(c.transport(), new IllegalStateException(FORGED)));
    assertThat(onlyLine("socket_error")).contains("x\\nevent=forged");
  }

  @Test
  void anInvalidTokenReasonIsEscaped() {
    String header = b64("{\"alg\":\"" + FORGED.replace("\n", "\\n") + "\",\"typ\":\"JWT\"}");
    Client c = bed.accept(edge);
    c.transport().send("{\"id\":1,\"connect\":{\"token\":\"" + header + "." + b64("{\"sub\":\"bob\"}") + ".c2ln\"}}");
    assertThat(Await.value("closed", WAIT, () -> c.transport().closedWith())).isEqualTo(Disconnect.INVALID_TOKEN);
    // The verifier's reason already quotes the alg as JSON; whatever it says, the line stays one line.
    assertThat(onlyLine("invalid_token")).contains("event=forged").doesNotContain("\n");
  }

  @Test
  void anInsufficientStateChannelIsQuoted() {
    Client c = connected("bob");
    c.transport().send("{\"id\":2,\"subscribe\":{\"channel\":\"feed:a b=c\"}}");
    Await.until("subscribed", WAIT, () -> c.transport().messages().stream().anyMatch(m -> m.path("id").asLong() == 2));
    SessionBed.onLoop(edge, () -> c.session().edge.insufficientState(c.session(), "feed:a b=c"));
    assertThat(onlyLine("insufficient_state")).contains("channel=\"feed:a b=c\"");
  }

  @Test
  void anUnknownControlOpIsEscaped() {
    connected("bob");
    SessionBed.onLoop(edge, () -> edge.onControl(new JsonObject().put("op", FORGED).put("user", "bob")));
    assertThat(onlyLine("unknown_control_op")).contains("op=\"x\\nevent=forged who=\"");
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
