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
    int total = buffer.getInt(pos);
    int n = total < 4 + ClusterSigner.SIGNATURE_BYTES ? -1 : buffer.getInt(pos + 4);
    if (n < 0 || n != total - 4 - ClusterSigner.SIGNATURE_BYTES) return SignedFanout.received(null);
    int body = pos + 8;
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
