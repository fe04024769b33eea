package io.rebound.bus;

import io.rebound.engine.FanoutMessage;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Event-bus codec for {@link FanoutMessage}: the compact binary form across nodes, and the very same
 * immutable instance (no copy of the frame) for edges in this JVM.
 */
public final class FanoutMessageCodec implements MessageCodec<FanoutMessage, FanoutMessage> {

  public static final String NAME = "rebound.fanout";

  @Override
  public void encodeToWire(Buffer buffer, FanoutMessage msg) {
    Buffer encoded = msg.encode();
    buffer.appendInt(encoded.length()).appendBuffer(encoded);
  }

  @Override
  public FanoutMessage decodeFromWire(int pos, Buffer buffer) {
    return FanoutMessage.decode(buffer, pos + 4);
  }

  @Override
  public FanoutMessage transform(FanoutMessage msg) {
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
