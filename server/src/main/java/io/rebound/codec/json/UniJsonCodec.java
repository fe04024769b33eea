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
 * Centrifugo's unidirectional JSON protocol ({@code uni_websocket}, {@code uni_sse}, {@code
 * uni_http_stream}): the server writes bare {@code Push} objects — {@code {"channel":"c","pub":{…}}},
 * the connect result as {@code {"connect":{…}}}, {@code {"disconnect":{…}}} last — where the
 * bidirectional protocol wraps each in {@code {"push":…}}; the ping is {@code {}} and nobody
 * answers it. The client's only message, its connect request, reaches the session as a JSON
 * connect command (the transport wraps it), so decoding is the JSON protocol's.
 *
 * <p>A publication's frame is the JSON push's bytes without the wrapper (a view, not a copy), cached
 * per publication under its own {@link #format()} like every other format's. Stateless and
 * thread-safe.
 */
public final class UniJsonCodec implements WireCodec {

  public static final UniJsonCodec INSTANCE = new UniJsonCodec();

  /** This format's index among the node's formats (JSON is 0; the last slot, clear of the bidirectional ones). */
  public static final int FORMAT = 3;

  private static final Buffer PING = Buffer.buffer("{}");
  private static final int WRAPPER_START = "{\"push\":".length();

  private UniJsonCodec() {}

  /** The format is JSON: metrics and {@code info} count these connections as JSON ones, by transport. */
  @Override
  public String name() {
    return "json";
  }

  @Override
  public int format() {
    return FORMAT;
  }

  @Override
  public boolean binary() {
    return false;
  }

  @Override
  public List<ClientCommand> decode(String frame) throws BadFrameException {
    return JsonCommandDecoder.decodeFrame(frame);
  }

  @Override
  public List<ClientCommand> decode(Buffer frame) throws BadFrameException {
    return JsonCommandDecoder.decodeFrame(frame.toString());
  }

  /** The connect result as the connect push {@code {"connect":{…}}}; other results have no unidirectional form and keep the JSON one. */
  @Override
  public Buffer reply(long id, Result result) {
    return result instanceof Result.Connect ? JsonResults.bare(result) : JsonResults.reply(id, result);
  }

  /** Unidirectional clients get no error replies (a refused connect is a disconnect); kept as JSON for completeness. */
  @Override
  public Buffer error(long id, ProtocolException error) {
    return JsonResults.error(id, error);
  }

  @Override
  public Buffer push(Push push) {
    Buffer wrapped = JsonPushes.encode(push);
    return wrapped.slice(WRAPPER_START, wrapped.length() - 1);
  }

  @Override
  public Buffer ping() {
    return PING;
  }

  @Override
  public Buffer join(List<Buffer> messages) {
    return JsonCodec.INSTANCE.join(messages);
  }
}
