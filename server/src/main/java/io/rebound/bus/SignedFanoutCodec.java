package io.rebound.bus;

import io.rebound.engine.FanoutMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Event-bus codec for {@link SignedFanout}: writes the signed wire form, and on receipt checks the
 * signature BEFORE decoding anything, so bytes from outside the cluster are never parsed.
 */
public final class SignedFanoutCodec implements MessageCodec<SignedFanout, SignedFanout> {

  public static final String NAME = "rebound.fanout.signed";

  private final ClusterSigner signer;

  public SignedFanoutCodec(ClusterSigner signer) {
    this.signer = signer;
  }

  @Override
  public void encodeToWire(Buffer buffer, SignedFanout msg) {
    Buffer wire = msg.wire();
    buffer.appendInt(wire.length()).appendBuffer(wire);
  }

  @Override
  public SignedFanout decodeFromWire(int pos, Buffer buffer) {
    // Every length here comes from the sender: check each against the buffer before using it.
    if (pos < 0 || buffer.length() - pos < 8 + ClusterSigner.SIGNATURE_BYTES) return SignedFanout.received(null);
    int total = buffer.getInt(pos);
    int n = buffer.getInt(pos + 4);
    int body = pos + 8;
    if (n < 0 || total != 4 + n + ClusterSigner.SIGNATURE_BYTES || n > buffer.length() - body - ClusterSigner.SIGNATURE_BYTES) {
      return SignedFanout.received(null);
    }
    byte[] bytes = buffer.getBytes(body, body + n);
    byte[] sig = buffer.getBytes(body + n, body + n + ClusterSigner.SIGNATURE_BYTES);
    if (!signer.verify(bytes, 0, n, sig)) return SignedFanout.received(null);
    return SignedFanout.received(FanoutMessage.decode(buffer, body));
  }

  @Override
  public SignedFanout transform(SignedFanout msg) {
    return msg;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
