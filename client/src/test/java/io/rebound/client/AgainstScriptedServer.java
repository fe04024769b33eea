package io.rebound.client;

import io.rebound.client.ClientProtocolTest.Recorder;
import io.rebound.testing.Await;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fixture of the client's wire tests: one Vert.x per class, a fresh {@link ScriptedServer} per test, one client
 * whose events are recorded, and options with short reconnect delays and a seeded jitter.
 */
abstract class AgainstScriptedServer {

  static final Duration WAIT = Duration.ofSeconds(30);
  static Vertx vertx;
  ScriptedServer server;
  ReboundClient client;
  final Recorder rec = new Recorder();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    Await.result(vertx.close());
  }

  @BeforeEach
  void startServer() {
    server = new ScriptedServer(vertx);
  }

  @AfterEach
  void stop() {
    if (client != null) Await.result(client.closeAsync());
    server.close();
  }

  /**
   * Short reconnect delays; a long handshake and reply timeout (the default 5 s also bounds the WebSocket handshake:
   * on a loaded machine a handshake the server already accepted timed out on the client, which reconnected, and the
   * test waited in vain for the connect on the first connection). Tests of the timeouts set their own.
   */
  ReboundClientOptions options() {
    return new ReboundClientOptions().url(server.url()).token("tok").resumeWindow(Duration.ofSeconds(30)).timeout(WAIT)
        .minReconnectDelay(Duration.ofMillis(10)).maxReconnectDelay(Duration.ofMillis(50)).random(new Random(1));
  }

  /** Creates the client, subscribes to {@code channel} (unless null) and connects; returns the subscription. */
  Subscription start(ReboundClientOptions o, String channel) {
    client = ReboundClient.create(vertx, o).addListener(rec);
    Subscription sub = channel == null ? null : client.newSubscription(channel).addListener(rec);
    if (sub != null) sub.subscribe();
    client.connect();
    return sub;
  }

  /** Starts a client and answers its connect with {@code reply} (the connect result object); returns the connection. */
  ScriptedServer.Conn connected(ReboundClientOptions o, String reply) {
    start(o, null);
    ScriptedServer.Conn conn = server.next();
    conn.expect("connect");
    conn.send("{\"id\":1,\"connect\":" + reply + "}");
    Await.until("connected", WAIT, () -> client.state() == ClientState.CONNECTED);
    return conn;
  }
}
