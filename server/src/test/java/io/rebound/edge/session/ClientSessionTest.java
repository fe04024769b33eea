package io.rebound.edge.session;

import static io.rebound.edge.session.SessionBed.fanout;
import static io.rebound.edge.session.SessionBed.onLoop;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.auth.JwksServer;
import io.rebound.auth.JwtSigner;
import io.rebound.auth.TestKeys;
import io.rebound.core.StreamPosition;
import io.rebound.core.Version;
import io.rebound.edge.Edge;
import io.rebound.edge.session.SessionBed.Client;
import io.rebound.protocol.Disconnect;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.UnsubscribeCode;
import io.rebound.testing.Await;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The session state machine driven frame by frame through a {@link FakeTransport}: no sockets, but
 * the real edge, handlers, recovery and history (memory engine), so each case is what a client would
 * see. The cases that before could only be reached through integration tests: connect and its token
 * outcomes, subscribe with recovery, delivery order, gaps, resume, keepalive and sync acknowledgement.
 */
class ClientSessionTest {

  private static final String CONFIG = """
      {"client_resume_window": "10s", "client_ping_interval": "25s", "client_pong_timeout": "8s",
       "client_stale_close_delay": "10s",
       "namespaces": [
         {"name": "feed", "allow_subscribe_for_client": true, "history_size": 100, "history_ttl": "300s", "force_recovery": true},
         {"name": "small", "allow_subscribe_for_client": true, "history_size": 2, "history_ttl": "300s", "force_recovery": true},
         {"name": "inbox", "allow_subscribe_for_client": true, "history_size": 100, "history_ttl": "300s", "user_sync": true}
       ]}
      """;
  private static final Duration WAIT = Duration.ofSeconds(10);

  private SessionBed bed;
  private Edge edge;

  @BeforeEach
  void start() {
    bed = new SessionBed(CONFIG);
    edge = bed.newEdge();
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static JsonNode reply(Client c, long id) {
    return Await.value("reply " + id, WAIT, () -> c.transport().messages().stream()
        .filter(m -> m.path("id").asLong() == id).findFirst().orElse(null));
  }

  private static List<JsonNode> pushes(Client c, String kind) {
    return c.transport().messages().stream().filter(m -> m.path("push").has(kind)).toList();
  }

  private static List<Long> publicationOffsets(Client c) {
    return pushes(c, "pub").stream().map(m -> m.path("push").path("pub").path("offset").asLong()).toList();
  }

  private static Disconnect closed(Client c) {
    return Await.value("the server closed the connection", WAIT, () -> c.transport().closedWith());
  }

  private Client connected(String user, String extra) {
    Client c = bed.accept(edge);
    c.transport().send("{\"id\":1,\"connect\":{\"token\":\"" + bed.token(user) + "\"" + extra + "}}");
    assertThat(reply(c, 1).has("connect")).isTrue();
    return c;
  }

  private static JsonNode subscribe(Client c, long id, String channel, String extra) {
    c.transport().send("{\"id\":" + id + ",\"subscribe\":{\"channel\":\"" + channel + "\"" + extra + "}}");
    return reply(c, id).path("subscribe");
  }

  private static void deliver(Client c, io.rebound.engine.FanoutMessage msg) {
    onLoop(c.edge(), () -> c.session().edge.publication(c.session(), msg.channel(), msg));
  }

  // ---- connect ---------------------------------------------------------------------------------

  @Nested
  class Connect {

    @Test
    void aValidTokenConnectsWithTheClientIdAndTheKeepaliveTerms() {
      Client c = bed.accept(edge);
      c.transport().send("{\"id\":1,\"connect\":{\"token\":\"" + bed.token("alice") + "\"}}");
      JsonNode result = reply(c, 1).path("connect");
      assertThat(result.path("client").asText()).isNotEmpty().isEqualTo(onLoop(edge, () -> c.session().clientId()));
      assertThat(result.path("version").asText()).isEqualTo(Version.SERVER);
      assertThat(result.path("ping").asLong()).isEqualTo(25);
      assertThat(result.path("pong").asBoolean()).isTrue();
      assertThat(result.path("expires").asBoolean()).isTrue();
      assertThat(onLoop(edge, () -> c.session().user())).isEqualTo("alice");
      assertThat(c.transport().closedWith()).isNull();
    }

    @Test
    void anExpiredTokenIsAnswered109AndTheConnectionStaysOpen() {
      Client c = bed.accept(edge);
      String expired = bed.token(Map.of("sub", "alice", "exp", System.currentTimeMillis() / 1000 - 10));
      c.transport().send("{\"id\":1,\"connect\":{\"token\":\"" + expired + "\"}}");
      assertThat(reply(c, 1).path("error").path("code").asInt()).isEqualTo(ErrorCode.TOKEN_EXPIRED.code);
      assertThat(c.transport().closedWith()).isNull();
    }

    @Test
    void anInvalidTokenCloses3500() {
      Client c = bed.accept(edge);
      String forged = new io.rebound.auth.JwtSigner("another-secret-that-is-long-enough").connectionToken("alice", 60);
      c.transport().send("{\"id\":1,\"connect\":{\"token\":\"" + forged + "\"}}");
      assertThat(closed(c)).isEqualTo(Disconnect.INVALID_TOKEN);
    }

    @Test
    void noTokenCloses3501WhenAnonymousConnectsAreNotAllowed() {
      Client c = bed.accept(edge);
      c.transport().send("{\"id\":1,\"connect\":{}}");
      assertThat(closed(c).code()).isEqualTo(Disconnect.BAD_REQUEST.code());
    }

    @Test
    void aCommandBeforeConnectCloses3501() {
      Client c = bed.accept(edge);
      c.transport().send("{\"id\":1,\"subscribe\":{\"channel\":\"feed:x\"}}");
      assertThat(closed(c)).isEqualTo(Disconnect.BAD_REQUEST);
    }
  }

  /**
   * A connect whose token needs a JWKS key that is not cached: the session is AUTHENTICATING while a
   * real HTTP endpoint holds the fetch, and the commands behind the connect wait for it, in order.
   */
  @Nested
  class WhileTheTokenKeyIsFetched {

    private final KeyPair key = TestKeys.rsa(2048);
    private final JwtSigner rs256 = JwtSigner.asymmetric("RS256", key.getPrivate(), "k1");
    private JwksServer jwks;
    private SessionBed jwksBed;
    private Edge jwksEdge;

    @BeforeEach
    void start() {
      jwks = JwksServer.start(bed.vertx).serve(TestKeys.jwks(TestKeys.jwk(key.getPublic(), "k1", "RS256"))).mode(JwksServer.Mode.HOLD);
      jwksBed = new SessionBed(CONFIG.replaceFirst("\\{", "{\"token_jwks_public_endpoint\": \"" + jwks.url() + "\", "));
      jwksEdge = jwksBed.newEdge();
    }

    @AfterEach
    void stop() {
      jwksBed.close();
      jwks.close();
    }

    private Client connecting(long id) {
      Client c = jwksBed.accept(jwksEdge);
      String token = rs256.sign(Map.of("sub", "alice", "exp", System.currentTimeMillis() / 1000 + 3600));
      c.transport().send("{\"id\":" + id + ",\"connect\":{\"token\":\"" + token + "\"}}");
      Await.until("the key fetch is held", WAIT, () -> jwks.held() == 1);
      return c;
    }

    private List<Long> replyIds(Client c) {
      return c.transport().messages().stream().filter(m -> m.has("id")).map(m -> m.path("id").asLong()).toList();
    }

    @Test
    void commandsBehindTheConnectWaitAndRunInOrderOnceItIsDone() {
      Client c = connecting(1);
      c.transport().send("{\"id\":2,\"subscribe\":{\"channel\":\"feed:a\"}}\n{\"id\":3,\"subscribe\":{\"channel\":\"feed:b\"}}");
      c.transport().send("{\"id\":4,\"ping\":{}}");
      assertThat(onLoop(jwksEdge, () -> c.session().state())).isEqualTo(ClientSession.State.AUTHENTICATING);
      assertThat(c.transport().messages()).as("nothing is answered while the key is fetched").isEmpty();

      jwks.release();
      assertThat(reply(c, 1).path("connect").path("client").asText()).isNotEmpty();
      assertThat(reply(c, 2).has("subscribe")).isTrue();
      assertThat(reply(c, 3).has("subscribe")).isTrue();
      reply(c, 4);
      assertThat(replyIds(c).get(0)).as("the connect is answered first").isEqualTo(1L);
      assertThat(c.transport().closedWith()).isNull();
    }

    @Test
    void moreCommandsThanTheCapBehindTheConnectAreABadRequest() {
      Client c = connecting(1);
      StringBuilder frame = new StringBuilder();
      for (int id = 2; id < 2 + InboundCommands.MAX_HELD_WHILE_AUTHENTICATING + 1; id++) frame.append("{\"id\":").append(id).append(",\"ping\":{}}\n");
      c.transport().send(frame.toString().trim());
      assertThat(closed(c)).isEqualTo(Disconnect.BAD_REQUEST);
      jwks.release();
    }

    @Test
    void aSessionClosedWhileTheKeyIsFetchedIgnoresTheLateResult() {
      Client c = connecting(1);
      c.transport().send("{\"id\":2,\"ping\":{}}");
      c.transport().closeFromClient(1000);
      jwks.release();
      // A second connection with the same key connects once the fetch is done, so the first one's result has come by then.
      Client other = jwksBed.accept(jwksEdge);
      other.transport().send("{\"id\":1,\"connect\":{\"token\":\"" + rs256.sign(Map.of("sub", "bob")) + "\"}}");
      reply(other, 1);
      assertThat(onLoop(jwksEdge, () -> c.session().state())).isEqualTo(ClientSession.State.CLOSED);
      assertThat(onLoop(jwksEdge, () -> c.session().clientId())).as("never connected").isNull();
      assertThat(c.transport().messages()).isEmpty();
    }
  }

  // ---- subscribe and delivery ------------------------------------------------------------------

  @Nested
  class SubscribeAndDeliver {

    @Test
    void aRecoveringSubscribeGetsWhatItMissedThenTheLiveStream() {
      StreamPosition first = bed.store("feed:news", "{\"n\":1}");
      bed.store("feed:news", "{\"n\":2}");
      bed.store("feed:news", "{\"n\":3}");
      Client c = connected("alice", "");
      JsonNode result = subscribe(c, 2, "feed:news", ",\"recover\":true,\"offset\":1,\"epoch\":\"" + first.epoch() + "\"");
      assertThat(result.path("recovered").asBoolean()).isTrue();
      assertThat(result.path("was_recovering").asBoolean()).isTrue();
      assertThat(result.path("epoch").asText()).isEqualTo(first.epoch());
      assertThat(result.path("publications").findValuesAsText("offset")).containsExactly("2", "3");

      bed.publish("feed:news", "{\"n\":4}");
      Await.until("the live publication", WAIT, () -> publicationOffsets(c).equals(List.of(4L)));
    }

    @Test
    void aPositionThatWasTrimmedIsNotRecovered() {
      StreamPosition first = bed.store("small:x", "{\"n\":1}");
      for (int n = 2; n <= 5; n++) bed.store("small:x", "{\"n\":" + n + "}");
      Client c = connected("alice", "");
      JsonNode result = subscribe(c, 2, "small:x", ",\"recover\":true,\"offset\":1,\"epoch\":\"" + first.epoch() + "\"");
      assertThat(result.has("recovered")).isFalse();
      assertThat(result.path("was_recovering").asBoolean()).isTrue();
      assertThat(result.path("offset").asLong()).isEqualTo(5);
      assertThat(result.has("publications")).isFalse();
    }

    @Test
    void publicationsAreDeliveredInOrderAndDuplicatesDropped() {
      StreamPosition top = bed.store("feed:order", "{\"n\":1}");
      Client c = connected("alice", "");
      subscribe(c, 2, "feed:order", "");
      for (long offset : new long[] {2, 2, 1, 3, 3, 4}) deliver(c, fanout("feed:order", offset, top.epoch()));
      Await.until("three publications", WAIT, () -> publicationOffsets(c).size() >= 3);
      assertThat(publicationOffsets(c)).containsExactly(2L, 3L, 4L);
    }

    @Test
    void aGapEndsTheSubscriptionWithUnsubscribe2500() {
      StreamPosition top = bed.store("feed:gap", "{\"n\":1}");
      Client c = connected("alice", "");
      subscribe(c, 2, "feed:gap", "");
      deliver(c, fanout("feed:gap", 3, top.epoch()));
      JsonNode unsubscribe = Await.value("the unsubscribe push", WAIT, () -> pushes(c, "unsubscribe").stream().findFirst().orElse(null));
      assertThat(unsubscribe.path("push").path("channel").asText()).isEqualTo("feed:gap");
      assertThat(unsubscribe.path("push").path("unsubscribe").path("code").asInt()).isEqualTo(UnsubscribeCode.INSUFFICIENT_STATE);
      assertThat(onLoop(edge, () -> c.session().subscription("feed:gap"))).isNull();
      deliver(c, fanout("feed:gap", 4, top.epoch()));
      assertThat(publicationOffsets(c)).isEmpty();
    }

    @Test
    void aNewEpochEndsTheSubscriptionToo() {
      bed.store("feed:epoch", "{\"n\":1}");
      Client c = connected("alice", "");
      subscribe(c, 2, "feed:epoch", "");
      deliver(c, fanout("feed:epoch", 2, "another-epoch"));
      Await.until("the unsubscribe push", WAIT, () -> pushes(c, "unsubscribe").size() == 1);
      assertThat(publicationOffsets(c)).isEmpty();
    }

    @Test
    void withDiscontinuitySignallingAGapReattachesAtTheTopAndSaysWhatWasMissed() {
      StreamPosition first = bed.store("feed:d", "{\"n\":1}");
      Client c = connected("alice", ",\"discontinuity\":true");
      subscribe(c, 2, "feed:d", "");
      bed.store("feed:d", "{\"n\":2}"); // its fan-out is lost
      bed.store("feed:d", "{\"n\":3}");
      deliver(c, fanout("feed:d", 3, first.epoch()));
      JsonNode push = Await.value("the discontinuity push", WAIT, () -> pushes(c, "discontinuity").stream().findFirst().orElse(null))
          .path("push").path("discontinuity");
      assertThat(push.path("reason").asText()).isEqualTo("gap");
      assertThat(push.path("since").path("offset").asLong()).isEqualTo(1);
      assertThat(push.path("attach").path("offset").asLong()).isEqualTo(3);
      assertThat(push.path("attach").path("epoch").asText()).isEqualTo(first.epoch());
      assertThat(pushes(c, "unsubscribe")).isEmpty();

      bed.publish("feed:d", "{\"n\":4}");
      Await.until("the next live publication", WAIT, () -> publicationOffsets(c).equals(List.of(4L)));
    }
  }

  // ---- resume ----------------------------------------------------------------------------------

  @Nested
  class Resume {

    /** Connects resumably, subscribes and gets two publications: four messages, three numbered (the connect reply is not). */
    private Client resumableWithTwoPublications(Edge on, String channel) {
      Client a = bed.accept(on);
      a.transport().send("{\"id\":1,\"connect\":{\"token\":\"" + bed.token("alice") + "\",\"resume_window\":10000}}");
      assertThat(reply(a, 1).path("connect").path("session").asText()).isNotEmpty();
      subscribe(a, 2, channel, "");
      bed.publish(channel, "{\"n\":1}");
      bed.publish(channel, "{\"n\":2}");
      Await.until("two publications", WAIT, () -> publicationOffsets(a).size() == 2);
      return a;
    }

    private void resumesWithTheMissingMessages(Edge home, Edge newcomer) {
      Client a = resumableWithTwoPublications(home, "feed:r");
      JsonNode connected = reply(a, 1).path("connect");
      a.transport().drop();
      bed.publish("feed:r", "{\"n\":3}"); // numbered for the resume while the session waits

      Client b = bed.accept(newcomer);
      // The client processed the subscribe reply and the first publication: messages 1 and 2.
      b.transport().send("{\"id\":1,\"connect\":{\"token\":\"" + bed.token("alice") + "\",\"resume_window\":10000,"
          + "\"resume\":{\"session\":\"" + connected.path("session").asText() + "\",\"received\":2}}}");
      JsonNode result = reply(b, 1).path("connect");
      assertThat(result.path("resumed").asBoolean()).isTrue();
      assertThat(result.path("client").asText()).isEqualTo(connected.path("client").asText());
      assertThat(result.path("last_command").asLong()).isEqualTo(2);
      Await.until("the missing publications", WAIT, () -> publicationOffsets(b).equals(List.of(2L, 3L)));

      // The socket now belongs to the home session: its commands and the live stream go there.
      b.transport().send("{\"id\":3,\"ping\":{}}");
      assertThat(reply(b, 3).has("ping")).isTrue();
      bed.publish("feed:r", "{\"n\":4}");
      Await.until("the live stream on the new connection", WAIT, () -> publicationOffsets(b).equals(List.of(2L, 3L, 4L)));
      assertThat(bed.metrics.scrape()).contains("rebound_sessions_resumed_total 1.0");
    }

    @Test
    void aDroppedSessionIsResumedWithEveryMessageItHadNotProcessed() {
      resumesWithTheMissingMessages(edge, edge);
    }

    @Test
    void aSessionIsResumedOnAConnectionOfAnotherEventLoop() {
      resumesWithTheMissingMessages(edge, bed.newEdge());
    }

    @Test
    void aResumeOfAnUnknownSessionConnectsAFreshOne() {
      Client b = bed.accept(edge);
      b.transport().send("{\"id\":1,\"connect\":{\"token\":\"" + bed.token("alice") + "\",\"resume\":{\"session\":\"nope\",\"received\":0}}}");
      JsonNode result = reply(b, 1).path("connect");
      assertThat(result.path("resumed").isBoolean()).isTrue();
      assertThat(result.path("resumed").asBoolean()).isFalse();
      assertThat(result.path("client").asText()).isNotEmpty();
      assertThat(bed.metrics.scrape()).contains("rebound_session_resumes_refused_total 1.0");
    }

    @Test
    void aWindowThatRunsOutEndsTheSessionAsSuchNotAsAMissedPong() {
      Client a = resumableWithTwoPublications(edge, "feed:window");
      String session = reply(a, 1).path("connect").path("session").asText();
      a.transport().drop();
      Await.until("detached", WAIT, () -> onLoop(edge, () -> a.session().state()) == ClientSession.State.DETACHED);
      onLoop(edge, () -> edge.tick(System.currentTimeMillis() + 10_001));
      Await.until("the session ended", WAIT, () -> bed.metrics.connections() == 0);
      String metrics = bed.metrics.scrape();
      assertThat(metrics).contains("rebound_session_resume_windows_expired_total 1.0");
      assertThat(metrics).contains("rebound_disconnects_total{code=\"" + Disconnect.RESUME_WINDOW_OVER.code() + "\"} 1.0");
      assertThat(metrics).doesNotContain("rebound_disconnects_total{code=\"" + Disconnect.NO_PONG.code() + "\"}");

      Client b = bed.accept(edge);
      b.transport().send("{\"id\":1,\"connect\":{\"token\":\"" + bed.token("alice") + "\","
          + "\"resume\":{\"session\":\"" + session + "\",\"received\":3}}}");
      assertThat(reply(b, 1).path("connect").path("resumed").asBoolean()).isFalse();
    }

    @Test
    void anotherUserCannotResumeTheSession() {
      Client a = resumableWithTwoPublications(edge, "feed:other");
      String session = reply(a, 1).path("connect").path("session").asText();
      a.transport().drop();
      Client b = bed.accept(edge);
      b.transport().send("{\"id\":1,\"connect\":{\"token\":\"" + bed.token("mallory") + "\","
          + "\"resume\":{\"session\":\"" + session + "\",\"received\":0}}}");
      JsonNode result = reply(b, 1).path("connect");
      assertThat(result.path("resumed").asBoolean()).isFalse();
      assertThat(publicationOffsets(b)).isEmpty();
    }
  }

  // ---- keepalive -------------------------------------------------------------------------------

  @Nested
  class KeepaliveTimers {

    private void tick(long atMillis) {
      onLoop(edge, () -> edge.tick(atMillis));
    }

    @Test
    void aConnectedClientIsPingedInAFrameOfItsOwnAndItsPongKeepsItOpen() {
      Client c = connected("alice", "");
      long now = System.currentTimeMillis();
      tick(now + 26_000);
      Await.until("a ping", WAIT, () -> c.transport().frames().contains("{}"));
      c.transport().send("{}");
      c.transport().send("{\"id\":2,\"ping\":{}}"); // after the pong, in order
      reply(c, 2);
      tick(now + 26_000 + 8_001);
      assertThat(c.transport().closedWith()).isNull();
    }

    @Test
    void withoutAPongTheConnectionIsClosed3012() {
      Client c = connected("alice", "");
      long now = System.currentTimeMillis();
      tick(now + 26_000);
      Await.until("a ping", WAIT, () -> c.transport().frames().contains("{}"));
      tick(now + 26_000 + 8_001);
      assertThat(closed(c)).isEqualTo(Disconnect.NO_PONG);
    }

    @Test
    void aConnectionThatNeverConnectsIsClosedStale3502() {
      Client c = bed.accept(edge);
      tick(System.currentTimeMillis() + 10_001);
      assertThat(closed(c)).isEqualTo(Disconnect.STALE);
    }

    @Test
    void aPongWithoutAPingIsABadRequest() {
      Client c = connected("alice", "");
      c.transport().send("{}");
      assertThat(closed(c)).isEqualTo(Disconnect.BAD_REQUEST);
    }

    @Test
    void thePongToAPingAfterASyncBatchStoresTheUsersPosition() {
      bed.store("inbox:alice", "{\"n\":1}");
      StreamPosition last = bed.store("inbox:alice", "{\"n\":2}");
      Client c = connected("alice", "");
      JsonNode result = subscribe(c, 2, "inbox:alice", "");
      assertThat(result.path("recovered").asBoolean()).isTrue();
      assertThat(result.path("publications").findValuesAsText("offset")).containsExactly("1", "2");
      // The batch went out: a ping follows at once, so its pong acknowledges the batch soon.
      Await.until("a ping after the sync batch", WAIT, () -> c.transport().frames().contains("{}"));
      assertThat(Await.result(bed.syncPositions.get("inbox:alice", "alice"))).isNull();
      c.transport().send("{}");
      Await.until("the acknowledged position stored", WAIT,
          () -> last.equals(Await.result(bed.syncPositions.get("inbox:alice", "alice"))));
    }
  }
}
