package io.rebound.codec.protobuf;

import io.rebound.codec.Result;
import io.rebound.core.ClientInfo;
import io.rebound.core.Publication;
import io.rebound.core.StreamPosition;
import java.util.List;
import java.util.Map;

/**
 * The value messages replies and pushes share, in Centrifugo's {@code client.proto} numbering:
 * {@code Publication}, {@code ClientInfo}, {@code SubscribeResult}, {@code StreamPosition}. A
 * publication's data goes out as its bytes, whatever they are (JSON published to the channel
 * reaches a Protobuf client as the JSON text's bytes). Raw-JSON texts (client infos, a subscription
 * token's data) go out as their UTF-8 bytes. Stateless.
 */
final class ProtobufValues {
  private ProtobufValues() {}

  /** {@code Publication}: data = 4, info = 5, offset = 6, tags = 7 ({@code map<string, string>}). */
  static void publication(ProtoSink out, Publication p) {
    out.bytes(4, p.data().bytes());
    if (p.info() != null) out.message(5, i -> clientInfo(i, p.info()));
    out.uint64(6, p.offset());
    if (p.tags() != null) {
      for (Map.Entry<String, String> tag : p.tags().entrySet()) out.stringMapEntry(7, tag.getKey(), tag.getValue());
    }
  }

  static void publications(ProtoSink out, int field, List<Publication> pubs) {
    for (Publication p : pubs) out.message(field, m -> publication(m, p));
  }

  /** {@code ClientInfo}: user = 1, client = 2, conn_info = 3, chan_info = 4. */
  static void clientInfo(ProtoSink out, ClientInfo info) {
    out.string(1, info.user());
    out.string(2, info.client());
    out.textBytes(3, info.connInfo());
    out.textBytes(4, info.chanInfo());
  }

  /** {@code StreamPosition}: offset = 1, epoch = 2. */
  static void position(ProtoSink out, StreamPosition p) {
    out.uint64(1, p.offset());
    out.string(2, p.epoch());
  }

  /**
   * {@code SubscribeResult}: expires = 1, ttl = 2, recoverable = 3, epoch = 6, publications = 7,
   * recovered = 8, offset = 9, positioned = 10, data = 11, was_recovering = 12. The fields the JSON
   * form writes, under the same conditions.
   */
  static void subscribeResult(ProtoSink out, Result.Subscribe s) {
    if (s.ttl() != null) {
      out.bool(1, true);
      out.uint64(2, s.ttl());
    }
    out.bool(3, s.recoverable());
    if (s.positioned()) out.string(6, s.epoch());
    publications(out, 7, s.publications());
    out.bool(8, s.recovered());
    out.uint64(9, s.offset());
    out.bool(10, s.positioned());
    out.textBytes(11, s.data());
    out.bool(12, s.wasRecovering());
  }
}
