package io.rebound.edge.listener;

import static io.rebound.edge.listener.SlowSockets.closeQuietly;
import static io.rebound.edge.listener.SlowSockets.closedByServer;
import static io.rebound.edge.listener.SlowSockets.open;
import static io.rebound.edge.listener.SlowSockets.silentSocketClosed;
import static io.rebound.edge.listener.SlowSockets.slowlorisClosedAfter;
import static io.rebound.edge.listener.SlowSockets.trickleUntilClosed;
import static io.rebound.edge.listener.SlowSockets.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.testing.NodeExtension;
import io.rebound.testing.RawClient;
import io.rebound.testing.RunningNode;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15 item 3 on a real node over real sockets: connections that never finish a request are
 * closed — an idle one, a slowloris trickling header lines, a request whose body never completes, a
 * kept-alive connection trickling its next request — each by its own deadline (1 s here), while an
 * open WebSocket, which has completed its upgrade, stays however long it is silent between pings.
 * Before the fix every one of the slow sockets stayed open forever.
 */
class SlowClientDeadlinesIT {

  /** A deadline of 1 s is missed well within this; without the deadlines nothing closes at all. */
  private static final int WITHIN_MILLIS = 15_000;

  @RegisterExtension
  static final NodeExtension node = NodeExtension.of("""
      {"http_header_timeout": "1s", "http_body_timeout": "1s", "http_keep_alive_timeout": "1s", "http_idle_timeout": "1s",
       "namespaces": [{"name": "chat", "allow_subscribe_for_client": true}]}""");

  @Test
  void aSocketThatSendsNothingIsClosedAfterTheHeaderTimeout() {
    assertThat(silentSocketClosed(node.port(), WITHIN_MILLIS)).isTrue();
  }

  @Test
  void aSlowlorisTricklingHeaderLinesIsClosedAfterTheHeaderTimeout() {
    long took = slowlorisClosedAfter(node.port(), "/health", WITHIN_MILLIS);
    assertThat(took).as("closed although it kept sending").isPositive();
  }

  @Test
  void aRequestWhoseBodyNeverCompletesIsClosedAfterTheBodyTimeout() {
    Socket slow = open(node.port());
    try {
      write(slow, "POST /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: apikey " + RunningNode.API_KEY
          + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{");
      long took = trickleUntilClosed(slow, " ", 200, WITHIN_MILLIS);
      assertThat(took).as("closed although its body kept coming").isPositive();
    } finally {
      closeQuietly(slow);
    }
  }

  @Test
  void aKeptAliveConnectionTricklingItsNextRequestIsClosedAfterTheKeepAliveTimeout() throws Exception {
    Socket kept = open(node.port());
    try {
      write(kept, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertThat(readHead(kept)).startsWith("HTTP/1.1 200");
      write(kept, "GET /health HTTP/1.1\r\n");
      long took = trickleUntilClosed(kept, "X-Slow: 1\r\n", 200, WITHIN_MILLIS);
      assertThat(took).as("closed although it kept sending").isPositive();
    } finally {
      closeQuietly(kept);
    }
  }

  @Test
  void anUpgradedWebSocketOutlivesTheDeadlinesAndTheIdleTimeout() {
    try (RawClient c = node.connect("alice")) {
      c.subscribe(2, "chat:a");
      // Two idle sockets closed one after the other: the WebSocket has then been silent for more than
      // two seconds, twice the header and the idle timeout (its pings come every 25 s).
      for (int i = 0; i < 2; i++) {
        Socket idle = open(node.port());
        try {
          assertThat(closedByServer(idle, WITHIN_MILLIS)).as("an idle socket opened after it is closed").isTrue();
        } finally {
          closeQuietly(idle);
        }
      }
      assertThat(c.call(3, "presence_stats", "{\"channel\":\"chat:a\"}").has("id")).isTrue();
      assertThat(c.isClosed()).isFalse();
    }
  }

  /** Reads a response's head and its Content-Length body. */
  private static String readHead(Socket s) throws Exception {
    s.setSoTimeout(WITHIN_MILLIS);
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) throw new AssertionError("closed: " + head);
      head.append((char) c);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
    }
    in.readNBytes(length);
    return new String(head.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.US_ASCII);
  }
}
