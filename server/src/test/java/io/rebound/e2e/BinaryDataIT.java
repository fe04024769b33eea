package io.rebound.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.github.centrifugal.centrifuge.internal.protocol.Protocol;
import io.rebound.testing.Await;
import io.rebound.testing.Closer;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.RawClient;
import io.rebound.testing.UniqueName;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Payloads between the formats: binary data published with the API's {@code b64data} reaches a
 * Protobuf subscriber byte for byte, is answered as {@code b64data} by {@code history}, and
 * disconnects a JSON subscriber with 3506 (as Centrifugo does); JSON published by a Protobuf client
 * reaches JSON subscribers as JSON.
 */
class BinaryDataIT {

  @RegisterExtension static final NodeExtension node = NodeExtension.of("""
      {"name": "e2e-binary", "engine": "memory",
       "namespaces": [{"name": "rec", "history_size": 10, "history_ttl": "600s", "force_recovery": true,
                       "allow_subscribe_for_client": true, "allow_publish_for_client": true}]}
      """);
  @RegisterExtension final Closer open = new Closer();
  @RegisterExtension final UniqueName name = new UniqueName();

  /** A raw Protobuf client: every Reply it received, in order. */
  private final class ProtobufClient {
    final List<Protocol.Reply> replies = new CopyOnWriteArrayList<>();
    final WebSocket ws;

    ProtobufClient(String channel) {
      WebSocketClient client = node.clients().createWebSocketClient();
      open.add(() -> client.close());
      ws = Await.result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
          .setURI("/connection/websocket").setSubProtocols(List.of("centrifuge-protobuf"))));
      ws.binaryMessageHandler(frame -> {
        ByteArrayInputStream in = new ByteArrayInputStream(frame.getBytes());
        try {
          Protocol.Reply r;
          while ((r = Protocol.Reply.parseDelimitedFrom(in)) != null) replies.add(r);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      send(Protocol.Command.newBuilder().setId(1).setConnect(Protocol.ConnectRequest.newBuilder().setToken(node.token("bob"))).build(),
          Protocol.Command.newBuilder().setId(2).setSubscribe(Protocol.SubscribeRequest.newBuilder().setChannel(channel)).build());
      reply(2);
    }

    void send(Protocol.Command... commands) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        for (Protocol.Command c : commands) c.writeDelimitedTo(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      ws.writeBinaryMessage(Buffer.buffer(out.toByteArray()));
    }

    Protocol.Reply reply(int id) {
      return Await.value("reply " + id, Duration.ofSeconds(15),
          () -> replies.stream().filter(r -> r.getId() == id).findFirst().orElse(null));
    }

    List<Protocol.Publication> publications() {
      return replies.stream().filter(r -> r.hasPush() && r.getPush().hasPub()).map(r -> r.getPush().getPub()).toList();
    }
  }

  @Test
  void binaryDataReachesProtobufSubscribersAndClosesJsonOnesWith3506() {
    String ch = name.in("rec");
    ProtobufClient protobuf = new ProtobufClient(ch);
    RawClient json = open.add(RawClient.connected(node.clients(), node.port(), node.token("alice")));
    json.subscribe(2, ch);

    byte[] binary = {0, 1, 2, (byte) 0xFF, '\n'};
    node.api("publish", Map.of("channel", ch, "b64data", Base64.getEncoder().encodeToString(binary)));

    Await.until("the Protobuf subscriber gets the publication", Duration.ofSeconds(15), () -> !protobuf.publications().isEmpty());
    assertThat(protobuf.publications().get(0).getData().toByteArray()).isEqualTo(binary);
    assertThat(protobuf.publications().get(0).getOffset()).isEqualTo(1);
    assertThat(json.awaitClose()).as("inappropriate protocol").isEqualTo((short) 3506);

    JsonNode history = node.api("history", Map.of("channel", ch, "limit", 10));
    assertThat(history.path("publications").get(0).path("b64data").asText()).isEqualTo(Base64.getEncoder().encodeToString(binary));
    assertThat(history.path("publications").get(0).has("data")).isFalse();
  }

  @Test
  void jsonPublishedByAProtobufClientReachesJsonSubscribersAsJson() {
    String ch = name.in("rec");
    ProtobufClient protobuf = new ProtobufClient(ch);
    RawClient json = open.add(RawClient.connected(node.clients(), node.port(), node.token("alice")));
    json.subscribe(2, ch);

    protobuf.send(Protocol.Command.newBuilder().setId(3).setPublish(Protocol.PublishRequest.newBuilder()
        .setChannel(ch).setData(ByteString.copyFromUtf8("{\"n\":1}"))).build());
    assertThat(protobuf.reply(3).hasPublish()).isTrue();

    JsonNode pub = json.push(ch, "pub");
    assertThat(pub.path("data").path("n").asInt()).isEqualTo(1);
    assertThat(pub.path("info").path("user").asText()).isEqualTo("bob");
    Await.until("the publisher gets its own publication", Duration.ofSeconds(15), () -> !protobuf.publications().isEmpty());
    assertThat(protobuf.publications().get(0).getData().toStringUtf8()).isEqualTo("{\"n\":1}");
    assertThat(protobuf.publications().get(0).getInfo().getUser()).isEqualTo("bob");
  }
}
