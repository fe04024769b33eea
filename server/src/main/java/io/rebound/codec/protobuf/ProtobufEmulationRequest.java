package io.rebound.codec.protobuf;

import io.rebound.codec.BadFrameException;

/**
 * The Protobuf body of a {@code POST /emulation}: Centrifugo's {@code EmulationRequest} (node = 1,
 * session = 2, data = 3 as bytes: the commands of one client frame, varint-delimited). Unknown
 * fields are skipped, as protobuf does; absent fields are empty ({@code ""}, zero bytes).
 */
public record ProtobufEmulationRequest(String node, String session, byte[] data) {

  /** The request in {@code body}; malformed protobuf (a length past the end, a bad tag) is a {@link BadFrameException}. */
  public static ProtobufEmulationRequest decode(byte[] body) throws BadFrameException {
    String node = "", session = "";
    byte[] data = new byte[0];
    ProtoReader r = new ProtoReader(body, 0, body.length);
    while (r.hasMore()) {
      switch (r.nextField()) {
        case 1 -> node = r.string();
        case 2 -> session = r.string();
        case 3 -> data = r.bytes();
        default -> r.skip();
      }
    }
    return new ProtobufEmulationRequest(node, session, data);
  }
}
