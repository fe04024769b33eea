package io.rebound.codec.json;

import io.rebound.codec.BadFrameException;
import io.rebound.codec.ClientCommand;
import io.rebound.codec.Push;
import io.rebound.codec.Result;
import io.rebound.codec.WireCodec;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * The JSON client protocol (Centrifugo protocol v2, JSON): text frames of newline-separated
 * messages; the server ping is {@code {}} and so is the client's pong. The bytes are exactly those
 * the protocol always had (pinned by {@code JsonCodecTest}). Stateless and thread-safe.
 */
public final class JsonCodec implements WireCodec {

  public static final JsonCodec INSTANCE = new JsonCodec();

  private static final Buffer PING = Buffer.buffer("{}");

  private JsonCodec() {}

  @Override
  public String name() {
    return "json";
  }

  @Override
  public int format() {
    return 0;
  }

  @Override
  public boolean binary() {
    return false;
  }

  @Override
  public List<ClientCommand> decode(String frame) {
    return JsonCommandDecoder.decodeFrame(frame);
  }

  /** A JSON frame that arrived as a binary WebSocket frame: its bytes are read as UTF-8 text. */
  @Override
  public List<ClientCommand> decode(Buffer frame) throws BadFrameException {
    return JsonCommandDecoder.decodeFrame(frame.toString());
  }

  @Override
  public Buffer reply(long id, Result result) {
    return JsonResults.reply(id, result);
  }

  @Override
  public Buffer error(long id, ProtocolException error) {
    return JsonResults.error(id, error);
  }

  @Override
  public Buffer push(Push push) {
    return JsonPushes.encode(push);
  }

  @Override
  public Buffer ping() {
    return PING;
  }

  /** Newline-delimited; a single message is written as is, without a copy. */
  @Override
  public Buffer join(List<Buffer> messages) {
    if (messages.size() == 1) return messages.get(0);
    int size = messages.size() - 1;
    for (Buffer b : messages) size += b.length();
    Buffer joined = Buffer.buffer(size);
    for (int i = 0; i < messages.size(); i++) {
      if (i > 0) joined.appendByte((byte) '\n');
      joined.appendBuffer(messages.get(i));
    }
    return joined;
  }
}
