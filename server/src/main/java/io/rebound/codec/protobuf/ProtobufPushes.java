package io.rebound.codec.protobuf;

import io.rebound.codec.Push;
import io.rebound.codec.Result;

/**
 * The fields of a {@code Push} (channel = 2, pub = 4, join = 5, leave = 6, unsubscribe = 7,
 * subscribe = 9, disconnect = 11) and of Rebound's {@code discontinuity} push (field {@link
 * ReboundFields#PUSH_DISCONTINUITY}). A publication push is encoded once per publication: its
 * payload is copied once, straight into the frame every Protobuf subscriber gets. Stateless.
 */
final class ProtobufPushes {
  private ProtobufPushes() {}

  static void push(ProtoSink p, Push push) {
    p.string(2, push.channel());
    if (push instanceof Push.Pub pub) {
      p.message(4, m -> ProtobufValues.publication(m, pub.publication()));
    } else if (push instanceof Push.Join j) {
      p.message(5, m -> m.message(1, i -> ProtobufValues.clientInfo(i, j.info())));
    } else if (push instanceof Push.Leave l) {
      p.message(6, m -> m.message(1, i -> ProtobufValues.clientInfo(i, l.info())));
    } else if (push instanceof Push.Unsubscribe u) {
      p.message(7, m -> {
        m.uint64(2, u.code());
        m.string(3, u.reason());
      });
    } else if (push instanceof Push.Subscribe s) {
      p.message(9, m -> subscribe(m, s.result()));
    } else if (push instanceof Push.Discontinuity d) {
      p.message(ReboundFields.PUSH_DISCONTINUITY, m -> {
        m.string(ReboundFields.DISCONTINUITY_REASON, d.reason());
        m.message(ReboundFields.DISCONTINUITY_SINCE, s -> ProtobufValues.position(s, d.since()));
        m.message(ReboundFields.DISCONTINUITY_ATTACH, s -> ProtobufValues.position(s, d.attach()));
      });
    } else if (push instanceof Push.Disconnect d) {
      // Disconnect: code = 1 (uint32), reason = 2; the deprecated reconnect = 3 is left out, as the JSON form leaves it out.
      p.message(11, m -> {
        m.uint64(1, d.code());
        m.string(2, d.reason());
      });
    } else {
      throw new IllegalArgumentException("no Protobuf form for " + push);
    }
  }

  /**
   * {@code Subscribe}: recoverable = 1, epoch = 4, offset = 5, positioned = 6, data = 7; what the
   * JSON subscribe push carries beyond it (it sends a whole subscribe result) at 1000+.
   */
  private static void subscribe(ProtoSink m, Result.Subscribe s) {
    m.bool(1, s.recoverable());
    if (s.positioned()) m.string(4, s.epoch());
    m.uint64(5, s.offset());
    m.bool(6, s.positioned());
    m.textBytes(7, s.data());
    m.bool(ReboundFields.SUBSCRIBE_WAS_RECOVERING, s.wasRecovering());
    m.bool(ReboundFields.SUBSCRIBE_RECOVERED, s.recovered());
    ProtobufValues.publications(m, ReboundFields.SUBSCRIBE_PUBLICATIONS, s.publications());
    if (s.ttl() != null) {
      m.bool(ReboundFields.SUBSCRIBE_EXPIRES, true);
      m.explicitUint64(ReboundFields.SUBSCRIBE_TTL, s.ttl());
    }
  }
}
