package io.rebound.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.centrifugal.centrifuge.internal.protocol.Protocol;
import io.rebound.testing.Await;
import io.rebound.testing.Closer;
import io.rebound.testing.NodeExtension;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How a WebSocket client picks its wire format at {@code /connection/websocket}: the subprotocol is
 * echoed, the query selects without one, binary frames carry delimited Protobuf, and a format the
 * node does not serve is refused in the handshake (400) instead of accepted in a format the client
 * cannot read.
 */
class ProtobufHandshakeIT {

  @RegisterExtension static final NodeExtension node = NodeExtension.of("""
      {"name": "e2e-formats", "engine": "memory",
       "namespaces": [{"name": "rec", "history_size": 10, "history_ttl": "600s", "force_recovery": true,
                       "allow_subscribe_for_client": true}]}
      """);
  @RegisterExtension final Closer open = new Closer();

  private Future<WebSocket> connect(String uri, List<String> subprotocols) {
    WebSocketClient client = node.clients().createWebSocketClient();
    open.add(() -> client.close());
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port()).setURI(uri).setSubProtocols(subprotocols));
  }

  private static Buffer delimited(Protocol.Command... commands) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Protocol.Command c : commands) c.writeDelimitedTo(out);
    return Buffer.buffer(out.toByteArray());
  }

  private Protocol.Reply connectOverProtobuf(WebSocket ws) throws Exception {
    BlockingQueue<Buffer> frames = new LinkedBlockingQueue<>();
    ws.binaryMessageHandler(frames::add);
    ws.textMessageHandler(t -> frames.add(Buffer.buffer("TEXT " + t)));
    ws.writeBinaryMessage(delimited(Protocol.Command.newBuilder().setId(1)
        .setConnect(Protocol.ConnectRequest.newBuilder().setToken(node.token("alice"))).build()));
    Buffer frame = frames.poll(15, TimeUnit.SECONDS);
    assertThat(frame).as("a reply").isNotNull();
    return Protocol.Reply.parseDelimitedFrom(new ByteArrayInputStream(frame.getBytes()));
  }

  @Test
  void protobufSubprotocolIsEchoedAndSpoken() throws Exception {
    WebSocket ws = Await.result(connect("/connection/websocket", List.of("centrifuge-protobuf")));
    assertThat(ws.subProtocol()).isEqualTo("centrifuge-protobuf");
    Protocol.Reply reply = connectOverProtobuf(ws);
    assertThat(reply.getId()).isEqualTo(1);
    assertThat(reply.getConnect().getClient()).isNotEmpty();
  }

  @Test
  void queryParameterSelectsProtobufWithoutSubprotocol() throws Exception {
    for (String query : List.of("format=protobuf", "cf_protocol=protobuf")) {
      WebSocket ws = Await.result(connect("/connection/websocket?" + query, List.of()));
      assertThat(ws.subProtocol()).isNullOrEmpty();
      assertThat(connectOverProtobuf(ws).getConnect().getClient()).as(query).isNotEmpty();
    }
  }

  @Test
  void jsonSubprotocolIsEchoedAndSpoken() throws Exception {
    WebSocket ws = Await.result(connect("/connection/websocket", List.of("centrifuge-json")));
    assertThat(ws.subProtocol()).isEqualTo("centrifuge-json");
    BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    ws.textMessageHandler(frames::add);
    ws.writeTextMessage("{\"id\":1,\"connect\":{\"token\":\"" + node.token("alice") + "\"}}");
    assertThat(frames.poll(15, TimeUnit.SECONDS)).startsWith("{\"id\":1,\"connect\":{\"client\":");
  }

  @Test
  void unservedFormatIsRefusedInTheHandshake() {
    Throwable sub = Await.failure(connect("/connection/websocket", List.of("centrifuge-msgpack")));
    assertThat(sub).isInstanceOf(UpgradeRejectedException.class);
    assertThat(((UpgradeRejectedException) sub).getStatus()).isEqualTo(400);
    Throwable query = Await.failure(connect("/connection/websocket?format=msgpack", List.of()));
    assertThat(((UpgradeRejectedException) query).getStatus()).isEqualTo(400);
  }

  @Test
  void textFrameOnAProtobufConnectionIsABadRequest() {
    WebSocket ws = Await.result(connect("/connection/websocket", List.of("centrifuge-protobuf")));
    AtomicReference<Short> code = new AtomicReference<>();
    ws.closeHandler(v -> code.set(ws.closeStatusCode()));
    ws.writeTextMessage("{\"id\":1,\"connect\":{}}");
    Await.until("closed", Duration.ofSeconds(15), () -> code.get() != null);
    assertThat(code.get()).isEqualTo((short) 3501);
  }
}
