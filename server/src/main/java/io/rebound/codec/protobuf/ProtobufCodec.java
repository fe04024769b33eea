package io.rebound.codec.protobuf;

import io.rebound.codec.BadFrameException;
import io.rebound.codec.ClientCommand;
import io.rebound.codec.Push;
import io.rebound.codec.Result;
import io.rebound.codec.WireCodec;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * The Protobuf client protocol (Centrifugo protocol v2, {@code client.proto}): binary frames, each
 * one or more varint-length-delimited {@code Command}s from the client and {@code Reply}s from the
 * server. The server ping is the empty reply (one zero byte: its length), the client's pong the
 * empty command. Written by hand against the published field numbers (no generated code): each
 * message is counted, then written into a buffer of its exact size, so a publication's payload is
 * copied once into the frame every Protobuf subscriber shares. Rebound's extensions use field
 * numbers from 1000 on ({@link ReboundFields}, docs/EXTENSIONS.md). Stateless and thread-safe.
 */
public final class ProtobufCodec implements WireCodec {

  public static final ProtobufCodec INSTANCE = new ProtobufCodec();

  private static final Buffer PING = Buffer.buffer(new byte[] {0});

  private ProtobufCodec() {}

  @Override
  public String name() {
    return "protobuf";
  }

  @Override
  public int format() {
    return 1;
  }

  @Override
  public boolean binary() {
    return true;
  }

  /** A text frame has no place in this format. */
  @Override
  public List<ClientCommand> decode(String frame) throws BadFrameException {
    throw new BadFrameException("text frame on a Protobuf connection");
  }

  @Override
  public List<ClientCommand> decode(Buffer frame) throws BadFrameException {
    return ProtobufCommandDecoder.decodeFrame(frame.getBytes());
  }

  @Override
  public Buffer reply(long id, Result result) {
    return ProtobufReplies.reply(id, result);
  }

  @Override
  public Buffer error(long id, ProtocolException error) {
    return ProtobufReplies.error(id, error);
  }

  @Override
  public Buffer push(Push push) {
    return ProtobufReplies.push(push);
  }

  @Override
  public Buffer ping() {
    return PING;
  }

  /** Delimited messages simply follow each other; a single message is written as is, without a copy. */
  @Override
  public Buffer join(List<Buffer> messages) {
    if (messages.size() == 1) return messages.get(0);
    int size = 0;
    for (Buffer b : messages) size += b.length();
    Buffer joined = Buffer.buffer(size);
    for (Buffer b : messages) joined.appendBuffer(b);
    return joined;
  }
}
