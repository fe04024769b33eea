package io.rebound.bus;

import io.rebound.engine.FanoutMessage;
import io.vertx.core.buffer.Buffer;

/**
 * A {@link FanoutMessage} on its way to the other nodes ({@link Addresses#fanoutOf its channel's address}), signed
 * with the cluster's key. The signed wire form is built once per message, however many nodes it is
 * sent to; each receiving node checks it once ({@link SignedFanoutCodec}).
 *
 * <p>On the receiving side {@link #message()} is the verified message, or null when the signature did
 * not match ({@link #forged()}); a copy delivered inside the sending node is {@link #fromWire() not
 * from the wire} and is ignored there (the sender delivers to its own edges directly).
 */
public final class SignedFanout {

  private final FanoutMessage message;
  private final ClusterSigner signer; // sending side only
  private final boolean fromWire;
  private Buffer wire;

  private SignedFanout(FanoutMessage message, ClusterSigner signer, boolean fromWire) {
    this.message = message;
    this.signer = signer;
    this.fromWire = fromWire;
  }

  /** A message to send, signed with {@code signer} when it is first put on the wire. */
  public static SignedFanout toSend(FanoutMessage message, ClusterSigner signer) {
    return new SignedFanout(message, signer, false);
  }

  /** A message received from another node: {@code message} verified, or null when forged. */
  static SignedFanout received(FanoutMessage message) {
    return new SignedFanout(message, null, true);
  }

  /** The message; null for a received one whose signature did not match. */
  public FanoutMessage message() {
    return message;
  }

  /** Whether this came from another node (as opposed to the sending node's own copy). */
  public boolean fromWire() {
    return fromWire;
  }

  /** Whether this came from the wire with a bad signature. */
  public boolean forged() {
    return fromWire && message == null;
  }

  /**
   * {@code [int n][n bytes: FanoutMessage.encode()][32 bytes: signature of those n bytes]}, built
   * and signed on the first call only (the event bus may encode once per destination node).
   */
  synchronized Buffer wire() {
    if (wire == null) {
      byte[] body = message.encode().getBytes();
      byte[] sig = signer.sign(body, 0, body.length);
      wire = Buffer.buffer(4 + body.length + sig.length).appendInt(body.length).appendBytes(body).appendBytes(sig);
    }
    return wire;
  }
}
