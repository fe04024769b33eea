package io.rebound.codec;

import io.rebound.core.StreamPosition;
import java.util.Map;

/**
 * The client protocol's requests (Centrifugo client protocol v2, plus Rebound's extensions of
 * docs/EXTENSIONS.md), decoded from any wire format. Values are as the client sent them; checking
 * them (a missing channel, an unknown one, a token) is the session's job, so every format gets the
 * same answers. {@code data} fields hold the payload as raw JSON text (a later wire format may carry
 * bytes); absent strings are null.
 */
public sealed interface Request {

  /** The method name on the wire, for logs and error messages. */
  String method();

  /**
   * @param subs positions of the token's server-side channels, for recovery ({@code connect.subs})
   * @param sync extension (default true): user-sync channels replay the offline backlog
   * @param discontinuity extension: a lost stream is re-attached with a push instead of ended
   * @param resumeWindow extension: milliseconds this session stays resumable after a drop (0: not resumable)
   * @param resume extension: the session to resume, or null
   * @param headers the SDK's emulated request headers ({@code headers}), forwarded by the backend proxy; never null
   */
  record Connect(String token, String data, String name, String version, Map<String, SubPosition> subs, boolean sync,
      boolean discontinuity, long resumeWindow, Resume resume, Map<String, String> headers) implements Request {
    public Connect {
      subs = subs == null ? Map.of() : subs;
      headers = headers == null ? Map.of() : headers;
    }

    /** A connect without emulated headers. */
    public Connect(String token, String data, String name, String version, Map<String, SubPosition> subs, boolean sync,
        boolean discontinuity, long resumeWindow, Resume resume) {
      this(token, data, name, version, subs, sync, discontinuity, resumeWindow, resume, Map.of());
    }

    @Override
    public String method() {
      return "connect";
    }
  }

  /** Where a client stands in a server-side channel ({@code connect.subs}). */
  record SubPosition(boolean recover, long offset, String epoch) {}

  /**
   * Extension: continue session {@code session}, of which the client processed {@code received}
   * numbered messages; a session of null or a negative count cannot be resumed.
   */
  record Resume(String session, long received) {}

  /** {@code recover} with {@code offset}/{@code epoch}: the position to recover from (Centrifugo stream mode). */
  record Subscribe(String channel, String token, boolean recover, long offset, String epoch, boolean recoverable,
      boolean positioned, boolean joinLeave, String data) implements Request {
    @Override
    public String method() {
      return "subscribe";
    }
  }

  record Unsubscribe(String channel) implements Request {
    @Override
    public String method() {
      return "unsubscribe";
    }
  }

  /** @param idempotencyKey extension: a resent publish is applied once */
  record Publish(String channel, String data, String idempotencyKey) implements Request {
    @Override
    public String method() {
      return "publish";
    }
  }

  /**
   * @param since the exclusive start, or null
   * @param invalidSince why the {@code since} the client sent is unusable (a wire format may carry a
   *     malformed one), or null; answered with 107 in the order the checks happen
   * @param untilAttach extension: only what lies up to where the subscription was (re)established
   */
  record History(String channel, long limit, StreamPosition since, String invalidSince, boolean reverse, boolean untilAttach)
      implements Request {
    @Override
    public String method() {
      return "history";
    }
  }

  record Presence(String channel) implements Request {
    @Override
    public String method() {
      return "presence";
    }
  }

  record PresenceStats(String channel) implements Request {
    @Override
    public String method() {
      return "presence_stats";
    }
  }

  record Refresh(String token) implements Request {
    @Override
    public String method() {
      return "refresh";
    }
  }

  record SubRefresh(String channel, String token) implements Request {
    @Override
    public String method() {
      return "sub_refresh";
    }
  }

  record Rpc(String rpcMethod, String data) implements Request {
    @Override
    public String method() {
      return "rpc";
    }
  }

  /** An asynchronous message to the server (no reply). */
  record Send(String data) implements Request {
    @Override
    public String method() {
      return "send";
    }
  }

  /** A client's own ping command (answered with an empty {@code ping} result), not the pong. */
  record Ping() implements Request {
    @Override
    public String method() {
      return "ping";
    }
  }
}
