package io.rebound.edge.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.testing.Await;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.RawSocket;
import io.vertx.core.Future;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15 items 13 and 14 on real nodes over real sockets. {@code allowed_origins}: a browser
 * handshake whose {@code Origin} no pattern admits is refused with 403, one without {@code Origin}
 * (native apps, servers) is accepted; by default only the node's own origin is. Text frames: one
 * that is not UTF-8 closes the connection with 1007, where Vert.x used to hand the session a
 * different, replacement-character text.
 */
class OriginAndTextIT {

  @RegisterExtension
  static final NodeExtension byDefault = NodeExtension.of("""
      {"namespaces": [{"name": "chat", "allow_subscribe_for_client": true}]}""");

  @RegisterExtension
  static final NodeExtension configured = NodeExtension.of("""
      {"allowed_origins": ["https://*.example.com", "http://localhost:3000"],
       "namespaces": [{"name": "chat", "allow_subscribe_for_client": true}]}""");

  /** 101 when the handshake with {@code origin} (null: none) is accepted, else the HTTP status it was refused with. */
  private static int handshake(NodeExtension node, String origin) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
        .setURI("/connection/websocket");
    if (origin != null) options.addHeader("Origin", origin);
    WebSocketClient client = node.clients().createWebSocketClient();
    try {
      Future<WebSocket> ws = client.connect(options);
      Await.until("handshake answered", Duration.ofSeconds(15), ws::isComplete);
      if (ws.succeeded()) {
        Await.result(ws.result().close());
        return 101;
      }
      if (ws.cause() instanceof UpgradeRejectedException rejected) return rejected.getStatus();
      throw new AssertionError("handshake failed", ws.cause());
    } finally {
      Await.result(client.close());
    }
  }

  @Test
  void byDefaultOnlyTheNodesOwnOriginAndNoOriginAreAccepted() {
    assertThat(handshake(byDefault, "https://evil.example")).isEqualTo(403);
    assertThat(handshake(byDefault, "null")).as("a sandboxed page").isEqualTo(403);
    assertThat(handshake(byDefault, "http://127.0.0.1:" + byDefault.port())).as("its own origin").isEqualTo(101);
    try (RawSocket noOrigin = RawSocket.open(byDefault.port())) {
      noOrigin.write(RawSocket.text("{\"id\":1,\"connect\":{\"token\":\"" + byDefault.token("app") + "\"}}"));
      noOrigin.readUntil("\"connect\"");
    }
  }

  @Test
  void configuredPatternsAdmitTheirOriginsOnly() {
    assertThat(handshake(configured, "https://app.example.com")).isEqualTo(101);
    assertThat(handshake(configured, "HTTPS://App.Example.COM")).as("origins compare without case").isEqualTo(101);
    assertThat(handshake(configured, "http://localhost:3000")).isEqualTo(101);
    assertThat(handshake(configured, "https://example.com.evil.net")).isEqualTo(403);
    assertThat(handshake(configured, "http://localhost:3001")).isEqualTo(403);
    assertThat(handshake(configured, "http://127.0.0.1:" + configured.port())).as("patterns replace the same-origin rule").isEqualTo(403);
    try (RawSocket noOrigin = RawSocket.open(configured.port())) {
      noOrigin.write(RawSocket.text("{\"id\":1,\"connect\":{\"token\":\"" + configured.token("app") + "\"}}"));
      noOrigin.readUntil("\"connect\"");
    }
  }

  @Test
  void aTextFrameThatIsNotUtf8ClosesWith1007() {
    try (RawSocket s = RawSocket.open(byDefault.port())) {
      byte[] invalid = {'{', '"', 'i', 'd', '"', ':', '1', ',', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '{', '}', '}'};
      s.write(RawSocket.text(invalid));
      assertThat(s.readCloseCode()).isEqualTo(1007);
    }
  }

  @Test
  void aValidReplacementCharacterIsJustText() {
    try (RawSocket s = RawSocket.open(byDefault.port())) {
      String connect = "{\"id\":1,\"connect\":{\"token\":\"" + byDefault.token("app") + "\",\"name\":\"a\uFFFDb\"}}";
      s.write(RawSocket.text(connect.getBytes(StandardCharsets.UTF_8)));
      s.readUntil("\"connect\"");
    }
  }
}
