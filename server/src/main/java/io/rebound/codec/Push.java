package io.rebound.codec;

import io.rebound.core.ClientInfo;
import io.rebound.core.Publication;
import io.rebound.core.StreamPosition;

/** Messages the server pushes without a request, to be encoded by a {@link WireCodec}. */
public sealed interface Push {

  String channel();

  /** A publication of a subscribed channel. */
  record Pub(String channel, Publication publication) implements Push {}

  record Join(String channel, ClientInfo info) implements Push {}

  record Leave(String channel, ClientInfo info) implements Push {}

  /** The server ended a subscription: {@link io.rebound.protocol.UnsubscribeCode} says whether the client resubscribes. */
  record Unsubscribe(String channel, int code, String reason) implements Push {}

  /** A server-side subscription added while connected. */
  record Subscribe(String channel, Result.Subscribe result) implements Push {}

  /**
   * Extension (docs/EXTENSIONS.md): continuity of {@code channel} broke while the subscription
   * stays; what is missing is {@code (since, attach]}, readable with {@code history until_attach}.
   */
  record Discontinuity(String channel, String reason, StreamPosition since, StreamPosition attach) implements Push {}

  /**
   * The server ends the connection with {@code code} and {@code reason}: written last on transports
   * without a close frame of their own (HTTP streaming, SSE, the unidirectional ones), where the
   * client would otherwise see only the end of the stream. Belongs to no channel ({@code ""}).
   */
  record Disconnect(int code, String reason) implements Push {
    @Override
    public String channel() {
      return "";
    }
  }
}
