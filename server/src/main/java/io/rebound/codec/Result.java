package io.rebound.codec;

import io.rebound.core.ClientInfo;
import io.rebound.core.Publication;
import io.rebound.core.StreamPosition;
import java.util.List;
import java.util.Map;

/**
 * The results of successful commands, to be encoded by a {@link WireCodec}. Optional fields are
 * null (or 0 / false / empty) when absent, and a codec leaves them out. A {@code ttl} of null means
 * the credential does not expire; otherwise the result says {@code expires: true} and the seconds
 * left.
 */
public sealed interface Result {

  /** The method name the result answers ("connect", "subscribe", …). */
  String method();

  /** Seconds left until {@code expiresAt} (epoch seconds, 0 = never) at {@code nowSec}; null for never. */
  static Long ttl(long expiresAt, long nowSec) {
    return expiresAt > 0 ? Math.max(0, expiresAt - nowSec) : null;
  }

  /**
   * @param session extension: the resumable session's id, or null (then {@code resumeWindow} is unused)
   * @param ping the server's ping interval in seconds, null for no pings
   * @param pong whether the server expects pongs
   * @param resumed extension: whether a resume was accepted; null when none was asked
   * @param lastCommand extension, with a resume: the highest command id the session received
   * @param subs results of the server-side subscriptions, by channel
   * @param node the node holding the session, for transports whose client sends its commands to any
   *     node ({@code POST /emulation}); null otherwise
   * @param data custom data for the client (the connect proxy's {@code data}, raw JSON), or null
   */
  record Connect(String client, String version, Long ttl, String session, long resumeWindow, Long ping, boolean pong,
      Boolean resumed, Long lastCommand, Map<String, Subscribe> subs, String node, String data) implements Result {
    public Connect {
      subs = subs == null ? Map.of() : subs;
    }

    /** A result without a node (every transport but the emulated ones) and without custom data. */
    public Connect(String client, String version, Long ttl, String session, long resumeWindow, Long ping, boolean pong,
        Boolean resumed, Long lastCommand, Map<String, Subscribe> subs) {
      this(client, version, ttl, session, resumeWindow, ping, pong, resumed, lastCommand, subs, null, null);
    }

    /** The same result with the outcome of a resume (null: none asked) and the server-side subscriptions. */
    public Connect withOutcome(Boolean resumed, Long lastCommand, Map<String, Subscribe> subs) {
      return new Connect(client, version, ttl, session, resumeWindow, ping, pong, resumed, lastCommand, subs, node, data);
    }

    /**
     * The same result as a transport sends it: an emulated one names the {@code session} and {@code
     * node} its client addresses commands to, a unidirectional one expects no pong ({@code pong}
     * false). A {@code session} given here without a resume window is not resumable.
     */
    public Connect forTransport(String session, String node, boolean pong) {
      return new Connect(client, version, ttl, session, resumeWindow, ping, pong, resumed, lastCommand, subs, node, data);
    }

    /** The same result carrying {@code data} (raw JSON) to the client. */
    public Connect withData(String data) {
      return new Connect(client, version, ttl, session, resumeWindow, ping, pong, resumed, lastCommand, subs, node, data);
    }

    @Override
    public String method() {
      return "connect";
    }
  }

  record Refresh(String client, String version, Long ttl) implements Result {
    @Override
    public String method() {
      return "refresh";
    }
  }

  /**
   * A subscribe result (also in the connect result and the subscribe push for server-side
   * subscriptions).
   *
   * @param epoch the stream's epoch (positioned subscriptions)
   * @param offset where the client stands, 0 for the start
   * @param publications what a recovery or sync replays, oldest first
   * @param data the subscription token's {@code data} as raw JSON text, or null
   */
  record Subscribe(boolean recoverable, boolean positioned, String epoch, long offset, boolean wasRecovering, boolean recovered,
      List<Publication> publications, String data, Long ttl) implements Result {
    public static final Subscribe PLAIN = new Subscribe(false, false, null, 0, false, false, List.of(), null, null);

    public Subscribe {
      publications = publications == null ? List.of() : publications;
    }

    /** The same result with the subscription token's data and expiry added. */
    public Subscribe withToken(String data, Long ttl) {
      return new Subscribe(recoverable, positioned, epoch, offset, wasRecovering, recovered, publications, data, ttl);
    }

    @Override
    public String method() {
      return "subscribe";
    }
  }

  record SubRefresh(Long ttl) implements Result {
    @Override
    public String method() {
      return "sub_refresh";
    }
  }

  record History(List<Publication> publications, StreamPosition top) implements Result {
    @Override
    public String method() {
      return "history";
    }
  }

  /** @param members client id → who is present */
  record Presence(Map<String, ClientInfo> members) implements Result {
    @Override
    public String method() {
      return "presence";
    }
  }

  record PresenceStats(int numClients, int numUsers) implements Result {
    @Override
    public String method() {
      return "presence_stats";
    }
  }

  /** An RPC's answer: {@code data} as raw JSON, or null for none. */
  record Rpc(String data) implements Result {
    @Override
    public String method() {
      return "rpc";
    }
  }

  /** The results without fields. */
  enum Empty implements Result {
    UNSUBSCRIBE("unsubscribe"), PUBLISH("publish"), PING("ping");

    private final String method;

    Empty(String method) {
      this.method = method;
    }

    @Override
    public String method() {
      return method;
    }
  }
}
