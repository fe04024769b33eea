package io.rebound.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.core.Publication;
import io.rebound.engine.FanoutMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Issue 15.1: what the cluster's own nodes sign, and what is refused from anything else on the cluster network. */
class ClusterSignerTest {

  private static final String SECRET = "the-cluster-secret-0123456789";
  private final ClusterSigner signer = ClusterSigner.of(SECRET);
  private final JsonObject disconnect = new JsonObject().put("op", "disconnect").put("user", "bob").put("client", "");
  private static final long NOW = 1_800_000_000_000L;

  @Test
  void aSealedControlMessageOpensWithTheSameSecretOnly() {
    JsonObject sealed = signer.seal(disconnect, NOW);
    assertThat(signer.open(sealed, NOW + 1_000)).isEqualTo(disconnect.copy().put("ts", NOW));
    assertThat(ClusterSigner.of("another-secret-0123456789").open(sealed, NOW)).isNull();
    assertThat(ClusterSigner.of("").open(sealed, NOW)).as("a node without a secret has its own random key").isNull();
  }

  @Test
  void anUnsignedTamperedOrMalformedControlMessageIsRefused() {
    JsonObject sealed = signer.seal(disconnect, NOW);
    assertThat(signer.open(disconnect.copy().put("ts", NOW), NOW)).as("unsigned").isNull();
    assertThat(signer.open(sealed.copy().put("cmd", sealed.getString("cmd").replace("bob", "eve")), NOW)).as("altered").isNull();
    assertThat(signer.open(sealed.copy().put("sig", "not base64 at all!"), NOW)).isNull();
    assertThat(signer.open(sealed.copy().put("cmd", 42), NOW)).isNull();
    assertThat(signer.open("a string", NOW)).isNull();
    assertThat(signer.open(null, NOW)).isNull();
  }

  @Test
  void aControlMessageIsGoodForAMinuteEitherWay() {
    JsonObject sealed = signer.seal(disconnect, NOW);
    assertThat(signer.open(sealed, NOW + ClusterSigner.CONTROL_MAX_AGE_MS)).isNotNull();
    assertThat(signer.open(sealed, NOW - ClusterSigner.CONTROL_MAX_AGE_MS)).isNotNull();
    assertThat(signer.open(sealed, NOW + ClusterSigner.CONTROL_MAX_AGE_MS + 1)).as("replayed later").isNull();
    assertThat(signer.open(sealed, NOW - ClusterSigner.CONTROL_MAX_AGE_MS - 1)).isNull();
  }

  @Test
  void fanOutIsSignedOnceAndCheckedBeforeItIsDecoded() {
    FanoutMessage msg = FanoutMessage.publication("chat:x", Publication.of("{\"a\":1}").withOffset(7), "epoch-1");
    SignedFanout out = SignedFanout.toSend(msg, signer);
    assertThat(out.wire()).as("built and signed once, whatever the number of nodes").isSameAs(out.wire());
    Buffer wire = encoded(out);

    SignedFanout in = new SignedFanoutCodec(signer).decodeFromWire(3, Buffer.buffer("xyz").appendBuffer(wire));
    assertThat(in.fromWire()).isTrue();
    assertThat(in.forged()).isFalse();
    assertThat(in.message()).isEqualTo(msg);

    assertThat(new SignedFanoutCodec(ClusterSigner.of("another-secret-0123456789")).decodeFromWire(0, wire).forged()).isTrue();
    for (int i = 8; i < wire.length(); i++) {
      Buffer altered = wire.copy();
      altered.setByte(i, (byte) (altered.getByte(i) ^ 1));
      assertThat(new SignedFanoutCodec(signer).decodeFromWire(0, altered).forged()).as("byte %d altered", i).isTrue();
    }
  }

  @Test
  void lengthsFromTheWireAreNeverTrusted() {
    SignedFanoutCodec codec = new SignedFanoutCodec(signer);
    Buffer wire = encoded(SignedFanout.toSend(FanoutMessage.publication("chat:x", Publication.of("1").withOffset(1), "e"), signer));
    assertThat(codec.decodeFromWire(0, wire.getBuffer(0, wire.length() - 1)).forged()).as("truncated").isTrue();
    assertThat(codec.decodeFromWire(0, Buffer.buffer().appendInt(Integer.MAX_VALUE).appendInt(Integer.MAX_VALUE - 40)
        .appendBytes(new byte[40])).forged()).isTrue();
    assertThat(codec.decodeFromWire(0, Buffer.buffer().appendInt(36).appendInt(-1).appendBytes(new byte[32])).forged()).isTrue();
    assertThat(codec.decodeFromWire(0, Buffer.buffer(new byte[3])).forged()).isTrue();
  }

  @Test
  void theSendingNodesOwnCopyIsNotFromTheWire() {
    SignedFanout out = SignedFanout.toSend(FanoutMessage.publication("chat:x", Publication.of("1").withOffset(1), "e"), signer);
    assertThat(new SignedFanoutCodec(signer).transform(out).fromWire()).isFalse();
  }

  private static Buffer encoded(SignedFanout out) {
    Buffer b = Buffer.buffer();
    new SignedFanoutCodec(ClusterSigner.of(SECRET)).encodeToWire(b, out);
    return b;
  }
}
