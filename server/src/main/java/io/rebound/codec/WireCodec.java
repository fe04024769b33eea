package io.rebound.codec;

import io.rebound.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * One wire format of the client protocol: how frames decode into {@link ClientCommand}s and how
 * replies, errors and pushes encode, including how several messages share one frame. The session
 * speaks only through this interface, so a second format (Protobuf) is a new implementation.
 *
 * <p>Implementations are stateless and thread-safe: one instance serves every connection of the
 * node. Encoded messages are immutable and may be shared (one publication's frame goes to every
 * subscriber using the format).
 */
public interface WireCodec {

  /** The format's name ("json", "protobuf"). */
  String name();

  /** This format's small index among the node's formats (JSON 0), for per-format caches (fan-out frames). */
  int format();

  /** Whether the format's frames are binary WebSocket frames (else text). */
  boolean binary();

  /** The commands of a text frame; a frame may carry several. */
  List<ClientCommand> decode(String frame) throws BadFrameException;

  /** The commands of a binary frame. */
  List<ClientCommand> decode(Buffer frame) throws BadFrameException;

  /** The reply to command {@code id}. */
  Buffer reply(long id, Result result);

  /** The error reply to command {@code id}. */
  Buffer error(long id, ProtocolException error);

  Buffer push(Push push);

  /**
   * The server ping (an empty reply). Always the same instance: queues tell pings apart by
   * identity (they are never batched with other messages, never numbered for a resume).
   */
  Buffer ping();

  /** One frame holding {@code messages} (encoded by this codec) in order; a single message as is, without a copy. */
  Buffer join(List<Buffer> messages);
}
