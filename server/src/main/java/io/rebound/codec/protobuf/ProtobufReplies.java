package io.rebound.codec.protobuf;

import io.rebound.codec.Push;
import io.rebound.codec.Result;
import io.rebound.core.ClientInfo;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * Writes {@code Reply} messages, each with its varint length in front (so frames are their
 * concatenation): results and errors answer command {@code id} (field 1), pushes go in field 4.
 * Field numbers are those of Centrifugo's {@code client.proto}; Rebound's extensions those of
 * {@link ReboundFields}. Stateless and thread-safe.
 */
final class ProtobufReplies {
  private ProtobufReplies() {}

  /** {@code body} as one length-delimited message, in a buffer of exactly its size. */
  static Buffer delimited(ProtoSink.Body body) {
    int size = ProtoSink.sizeOf(body);
    ProtoSink.Out out = new ProtoSink.Out(ProtoSink.varintSize(size) + size);
    out.varint(size);
    body.write(out);
    return out.buffer;
  }

  static Buffer reply(long id, Result result) {
    return delimited(r -> {
      r.uint64(1, id);
      result(r, result);
    });
  }

  /** {@code Error}: code = 1, message = 2, temporary = 3, in the reply's field 2. */
  static Buffer error(long id, ProtocolException e) {
    ErrorCode code = e.error();
    String message = e.getMessage() == null ? code.message : e.getMessage();
    return delimited(r -> {
      r.uint64(1, id);
      r.message(2, err -> {
        err.uint64(1, code.code);
        err.string(2, message);
        err.bool(3, code.temporary);
      });
    });
  }

  static Buffer push(Push push) {
    return delimited(r -> r.message(4, p -> ProtobufPushes.push(p, push)));
  }

  /** The result in the reply field of its method: connect 5, subscribe 6, … sub_refresh 15. */
  private static void result(ProtoSink r, Result result) {
    if (result instanceof Result.Subscribe s) r.message(6, m -> ProtobufValues.subscribeResult(m, s));
    else if (result instanceof Result.Connect c) r.message(5, m -> connect(m, c));
    else if (result instanceof Result.History h) r.message(11, m -> {
      ProtobufValues.publications(m, 1, h.publications());
      m.string(2, h.top().epoch());
      m.uint64(3, h.top().offset());
    });
    else if (result instanceof Result.Presence p) r.message(9, m -> {
      for (Map.Entry<String, ClientInfo> e : p.members().entrySet()) {
        m.mapEntry(1, e.getKey(), v -> ProtobufValues.clientInfo(v, e.getValue()));
      }
    });
    else if (result instanceof Result.PresenceStats s) r.message(10, m -> {
      m.uint64(1, s.numClients());
      m.uint64(2, s.numUsers());
    });
    else if (result instanceof Result.Refresh f) r.message(14, m -> {
      m.string(1, f.client());
      m.string(2, f.version());
      ttl(m, 3, f.ttl());
    });
    else if (result instanceof Result.SubRefresh f) r.message(15, m -> ttl(m, 1, f.ttl()));
    else if (result == Result.Empty.UNSUBSCRIBE) r.message(7, m -> {});
    else if (result == Result.Empty.PUBLISH) r.message(8, m -> {});
    else if (result == Result.Empty.PING) r.message(12, m -> {});
    else throw new IllegalArgumentException("no Protobuf form for " + result);
  }

  /**
   * {@code ConnectResult}: client = 1, version = 2, expires = 3, ttl = 4, data = 5, subs = 6, ping =
   * 7, pong = 8, and on an emulated connection (one whose result names a node) session = 9 and node
   * = 10, which the SDK puts in every {@code POST /emulation}; the resume extension's fields at 1000+.
   */
  private static void connect(ProtoSink m, Result.Connect c) {
    m.string(1, c.client());
    m.string(2, c.version());
    ttl(m, 3, c.ttl());
    m.textBytes(5, c.data());
    for (Map.Entry<String, Result.Subscribe> e : c.subs().entrySet()) {
      m.mapEntry(6, e.getKey(), v -> ProtobufValues.subscribeResult(v, e.getValue()));
    }
    if (c.ping() != null) m.uint64(7, c.ping());
    m.bool(8, c.pong());
    if (c.node() != null) {
      m.string(9, c.session());
      m.string(10, c.node());
    }
    if (c.session() != null) {
      m.string(ReboundFields.RESULT_RESUME_SESSION, c.session());
      m.uint64(ReboundFields.RESULT_RESUME_WINDOW, c.resumeWindow());
    }
    m.optionalBool(ReboundFields.RESULT_RESUMED, c.resumed());
    if (c.lastCommand() != null) m.explicitUint64(ReboundFields.RESULT_LAST_COMMAND, c.lastCommand());
  }

  /** {@code expires} at {@code field} and {@code ttl} right after it, when the credential expires. */
  static void ttl(ProtoSink m, int field, Long ttl) {
    if (ttl == null) return;
    m.bool(field, true);
    m.explicitUint64(field + 1, ttl);
  }
}
