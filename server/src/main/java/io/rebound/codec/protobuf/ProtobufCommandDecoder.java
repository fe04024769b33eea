package io.rebound.codec.protobuf;

import io.rebound.codec.BadFrameException;
import io.rebound.codec.ClientCommand;
import io.rebound.codec.JsonPayloads;
import io.rebound.codec.Request;
import io.rebound.core.StreamPosition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the Protobuf client protocol: a binary frame holds one or more varint-length-delimited
 * {@code Command}s (Centrifugo's {@code client.proto} numbering; Rebound's extensions at the numbers
 * of {@link ReboundFields}). The empty command is the pong. A command holding more than one request
 * fails, as in the JSON format; unknown fields are skipped, so newer SDKs' fields do no harm. Values
 * are as the client sent them: checking them is the session's job. Stateless and thread-safe.
 */
final class ProtobufCommandDecoder {

  private ProtobufCommandDecoder() {}

  static List<ClientCommand> decodeFrame(byte[] frame) {
    List<ClientCommand> out = new ArrayList<>(1);
    ProtoReader in = new ProtoReader(frame, 0, frame.length);
    while (in.hasMore()) {
      int length = in.delimiter();
      out.add(command(new ProtoReader(frame, in.position(), in.position() + length)));
      in.advance(length);
    }
    return out;
  }

  private static ClientCommand command(ProtoReader in) {
    long id = 0;
    Request request = null;
    while (in.hasMore()) {
      int field = in.nextField();
      if (field == 1) {
        id = in.uint64() & 0xFFFFFFFFL; // uint32
        continue;
      }
      if (field < 4 || field > 15) {
        in.skip();
        continue;
      }
      if (request != null) throw new BadFrameException("more than one request in a command");
      request = request(field, in.message());
    }
    return new ClientCommand(id, request);
  }

  private static Request request(int field, ProtoReader in) {
    return switch (field) {
      case 4 -> connect(in);
      case 5 -> subscribe(in);
      case 6 -> new Request.Unsubscribe(channel(in));
      case 7 -> publish(in);
      case 8 -> new Request.Presence(channel(in));
      case 9 -> new Request.PresenceStats(channel(in));
      case 10 -> history(in);
      case 11 -> ping(in);
      case 12 -> new Request.Send(dataOnly(in, 1));
      case 13 -> rpc(in);
      case 14 -> new Request.Refresh(tokenOnly(in));
      case 15 -> subRefresh(in);
      default -> throw new IllegalStateException("not a request field: " + field);
    };
  }

  /** {@code ConnectRequest}: token = 1, data = 2, subs = 3, name = 4, version = 5; extensions at 1000+. */
  private static Request connect(ProtoReader in) {
    String token = null, data = null, name = null, version = null;
    Map<String, Request.SubPosition> subs = null;
    boolean sync = true, discontinuity = false;
    long resumeWindow = 0;
    Request.Resume resume = null;
    while (in.hasMore()) {
      switch (in.nextField()) {
        case 1 -> token = in.string();
        case 2 -> data = text(in);
        case 3 -> {
          if (subs == null) subs = new LinkedHashMap<>();
          subPosition(in.message(), subs);
        }
        case 4 -> name = in.string();
        case 5 -> version = in.string();
        case ReboundFields.CONNECT_SYNC -> sync = in.bool();
        case ReboundFields.CONNECT_DISCONTINUITY -> discontinuity = in.bool();
        case ReboundFields.CONNECT_RESUME_WINDOW -> resumeWindow = in.uint64();
        case ReboundFields.CONNECT_RESUME -> resume = resume(in.message());
        default -> in.skip();
      }
    }
    return new Request.Connect(token, data, name, version, subs, sync, discontinuity, resumeWindow, resume);
  }

  /** One {@code map<string, SubscribeRequest>} entry: key = 1, value = 2 (recover = 3, epoch = 6, offset = 7). */
  private static void subPosition(ProtoReader entry, Map<String, Request.SubPosition> subs) {
    String channel = "";
    boolean recover = false;
    long offset = 0;
    String epoch = "";
    while (entry.hasMore()) {
      int field = entry.nextField();
      if (field == 1) {
        channel = entry.string();
      } else if (field == 2) {
        ProtoReader value = entry.message();
        while (value.hasMore()) {
          switch (value.nextField()) {
            case 3 -> recover = value.bool();
            case 6 -> epoch = value.string();
            case 7 -> offset = value.uint64();
            default -> value.skip();
          }
        }
      } else {
        entry.skip();
      }
    }
    subs.put(channel, new Request.SubPosition(recover, offset, epoch));
  }

  /** Extension {@code Resume}: session = 1, received = 2 (absent: -1, cannot be resumed). */
  private static Request.Resume resume(ProtoReader in) {
    String session = null;
    long received = -1;
    while (in.hasMore()) {
      switch (in.nextField()) {
        case ReboundFields.RESUME_SESSION -> session = in.string();
        case ReboundFields.RESUME_RECEIVED -> received = in.uint64();
        default -> in.skip();
      }
    }
    return new Request.Resume(session, received);
  }

  /** {@code SubscribeRequest}: channel = 1, token = 2, recover = 3, epoch = 6, offset = 7, data = 8, positioned = 9, recoverable = 10, join_leave = 11. */
  private static Request subscribe(ProtoReader in) {
    String channel = null, token = null, epoch = null, data = null;
    boolean recover = false, positioned = false, recoverable = false, joinLeave = false;
    long offset = 0;
    while (in.hasMore()) {
      switch (in.nextField()) {
        case 1 -> channel = in.string();
        case 2 -> token = in.string();
        case 3 -> recover = in.bool();
        case 6 -> epoch = in.string();
        case 7 -> offset = in.uint64();
        case 8 -> data = text(in);
        case 9 -> positioned = in.bool();
        case 10 -> recoverable = in.bool();
        case 11 -> joinLeave = in.bool();
        default -> in.skip();
      }
    }
    return new Request.Subscribe(channel, token, recover, offset, epoch, recoverable, positioned, joinLeave, data);
  }

  /** {@code PublishRequest}: channel = 1, data = 2 (bytes, flagged JSON when they are one JSON value); idempotency key at 1000. */
  private static Request publish(ProtoReader in) {
    String channel = null, key = null;
    byte[] data = null;
    while (in.hasMore()) {
      switch (in.nextField()) {
        case 1 -> channel = in.string();
        case 2 -> data = in.bytes();
        case ReboundFields.PUBLISH_IDEMPOTENCY_KEY -> key = in.string();
        default -> in.skip();
      }
    }
    return new Request.Publish(channel, data == null || data.length == 0 ? null : JsonPayloads.of(data), key);
  }

  /** {@code HistoryRequest}: channel = 1, limit = 7 (int32), since = 8, reverse = 9; until_attach at 1000. */
  private static Request history(ProtoReader in) {
    String channel = null, invalid = null;
    long limit = 0;
    StreamPosition since = null;
    boolean reverse = false, untilAttach = false;
    while (in.hasMore()) {
      switch (in.nextField()) {
        case 1 -> channel = in.string();
        case 7 -> limit = (int) in.uint64(); // int32: a negative limit arrives as a 10-byte varint
        case 8 -> {
          since = position(in.message());
          invalid = since.offset() < 0 ? "negative offset" : null;
          if (invalid != null) since = null;
        }
        case 9 -> reverse = in.bool();
        case ReboundFields.HISTORY_UNTIL_ATTACH -> untilAttach = in.bool();
        default -> in.skip();
      }
    }
    return new Request.History(channel, limit, since, invalid, reverse, untilAttach);
  }

  /** {@code StreamPosition}: offset = 1, epoch = 2 (an offset over 2^63 - 1 reads negative: refused by the caller). */
  private static StreamPosition position(ProtoReader in) {
    long offset = 0;
    String epoch = "";
    while (in.hasMore()) {
      switch (in.nextField()) {
        case 1 -> offset = in.uint64();
        case 2 -> epoch = in.string();
        default -> in.skip();
      }
    }
    return new StreamPosition(offset, epoch);
  }

  private static Request ping(ProtoReader in) {
    while (in.hasMore()) {
      in.nextField();
      in.skip();
    }
    return new Request.Ping();
  }

  /** {@code RPCRequest}: data = 1, method = 2. */
  private static Request rpc(ProtoReader in) {
    String data = null, method = null;
    while (in.hasMore()) {
      switch (in.nextField()) {
        case 1 -> data = text(in);
        case 2 -> method = in.string();
        default -> in.skip();
      }
    }
    return new Request.Rpc(method, data);
  }

  /** {@code SubRefreshRequest}: channel = 1, token = 2. */
  private static Request subRefresh(ProtoReader in) {
    String channel = null, token = null;
    while (in.hasMore()) {
      switch (in.nextField()) {
        case 1 -> channel = in.string();
        case 2 -> token = in.string();
        default -> in.skip();
      }
    }
    return new Request.SubRefresh(channel, token);
  }

  /** The {@code channel = 1} of Unsubscribe, Presence and PresenceStats requests. */
  private static String channel(ProtoReader in) {
    return stringOnly(in, 1);
  }

  /** {@code RefreshRequest}: token = 1. */
  private static String tokenOnly(ProtoReader in) {
    return stringOnly(in, 1);
  }

  private static String stringOnly(ProtoReader in, int wanted) {
    String value = null;
    while (in.hasMore()) {
      if (in.nextField() == wanted) value = in.string();
      else in.skip();
    }
    return value;
  }

  private static String dataOnly(ProtoReader in, int wanted) {
    String value = null;
    while (in.hasMore()) {
      if (in.nextField() == wanted) value = text(in);
      else in.skip();
    }
    return value;
  }

  /** A {@code bytes data} field Rebound reads as text (connect, subscribe, rpc, send data); empty is absent. */
  private static String text(ProtoReader in) {
    String s = in.string();
    return s.isEmpty() ? null : s;
  }
}
