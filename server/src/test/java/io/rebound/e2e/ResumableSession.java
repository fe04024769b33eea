package io.rebound.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.RawClient;
import io.rebound.testing.TcpProxy;
import java.util.ArrayList;
import java.util.List;

/**
 * One user's resumable session (docs/EXTENSIONS.md §2) as the resume tests drive it: every connection
 * goes through the session's own {@link TcpProxy}, so {@link #cut()} is a real TCP cut the server did
 * not see coming, and the session id and the number of processed messages carry over from connection
 * to connection, as a client keeps them. Replaces the connect / subscribe / publish / cut / resume
 * preamble each test used to write out.
 *
 * <pre>{@code
 * try (ResumableSession s = ResumableSession.connect(node, "alice", 30_000)) {
 *   s.subscribe("feed:x");
 *   s.publishAndReceive("feed:x", 1);
 *   s.cut();
 *   assertThat(s.resume().path("resumed").asBoolean()).isTrue();
 * }
 * }</pre>
 */
final class ResumableSession implements AutoCloseable {

  private final NodeExtension node;
  private final String user;
  private final long window;
  private final String extraConnectFields;
  private final TcpProxy proxy;
  private final List<RawClient> connections = new ArrayList<>();
  private JsonNode connected;

  private ResumableSession(NodeExtension node, String user, long window, String extraConnectFields) {
    this.node = node;
    this.user = user;
    this.window = window;
    this.extraConnectFields = extraConnectFields;
    this.proxy = TcpProxy.start(node.clients(), List.of(node.port()));
  }

  /** Connects {@code user} through a new proxy asking for a resume window of {@code windowMs}. */
  static ResumableSession connect(NodeExtension node, String user, long windowMs) {
    return connect(node, user, windowMs, "");
  }

  /** The same with more connect fields ({@code ,"discontinuity":true}), sent on every connect of the session. */
  static ResumableSession connect(NodeExtension node, String user, long windowMs, String extraConnectFields) {
    ResumableSession s = new ResumableSession(node, user, windowMs, extraConnectFields);
    try {
      RawClient first = s.open();
      s.connected = connectResult(first.call(1, "connect", s.params(user, null, 0)));
      return s;
    } catch (RuntimeException | AssertionError e) {
      s.close();
      throw e;
    }
  }

  /** The connect params: token, window, the extra fields and, for {@code session} not null, the resume request. */
  private String params(String asUser, String session, long received) {
    StringBuilder p = new StringBuilder("{\"token\":\"").append(node.token(asUser)).append('"');
    if (window > 0) p.append(",\"resume_window\":").append(window);
    p.append(extraConnectFields);
    if (session != null) p.append(",\"resume\":{\"session\":\"").append(session).append("\",\"received\":").append(received).append('}');
    return p.append('}').toString();
  }

  private static JsonNode connectResult(JsonNode reply) {
    if (!reply.has("connect")) throw new AssertionError("connect reply " + reply);
    return reply.path("connect");
  }

  private RawClient open() {
    RawClient c = RawClient.open(node.clients(), proxy.port());
    connections.add(c);
    return c;
  }

  /** The result of the first connect of the session. */
  JsonNode connected() {
    return connected;
  }

  /** The session id the server gave on the first connect. */
  String id() {
    return connected.path("session").asText();
  }

  /** The client id of the first connect (a resumed session keeps it). */
  String clientId() {
    return connected.path("client").asText();
  }

  TcpProxy proxy() {
    return proxy;
  }

  /** The latest connection. */
  RawClient current() {
    return connections.get(connections.size() - 1);
  }

  /** Subscribes the current connection to {@code channel} (command id 2); returns the subscribe result. */
  JsonNode subscribe(String channel) {
    return current().subscribe(2, channel);
  }

  /** Publishes {@code {"n": n}} to {@code channel} through the API and waits for the current connection to get it; returns its offset. */
  long publishAndReceive(String channel, int n) {
    long offset = node.publish(channel, n).path("offset").asLong();
    current().await("publication " + offset + " on " + channel,
        m -> RawClient.isPush(m, channel, "pub") && m.path("push").path("pub").path("offset").asLong() == offset);
    return offset;
  }

  /** Cuts every connection at the proxy (no close frame) and waits until the client sees the current one closed. */
  void cut() {
    proxy.dropAll();
    current().awaitClose();
  }

  /**
   * What the client reports as {@code received} when it resumes: the messages it processed on every
   * connection so far, connect replies excluded (each connection's first message is its connect reply).
   */
  long received() {
    long n = 0;
    for (RawClient c : connections) n += c.count() - 1;
    return n;
  }

  /** Opens a new connection through the proxy asking to resume the session; returns the connect result (resumed or not). */
  JsonNode resume() {
    long received = received();
    return connectResult(open().call(1, "connect", params(user, id(), received)));
  }

  /** {@link #resume()}, failing the test unless the server resumed the session. */
  JsonNode resumeAccepted() {
    JsonNode resumed = resume();
    if (!resumed.path("resumed").asBoolean()) throw new AssertionError("not resumed: " + resumed);
    return resumed;
  }

  /** Asks, on {@code c} (a connection of someone else), to resume this session as {@code asUser}; returns the connect result. */
  JsonNode resumeFrom(RawClient c, String asUser) {
    return connectResult(c.call(1, "connect", params(asUser, id(), received())));
  }

  /** The connect params that resume this session now (for a test that writes the connect frame itself). */
  String resumeParams() {
    return params(user, id(), received());
  }

  /** Everything the client processed, on every connection in order, connect replies left out. */
  List<JsonNode> stream() {
    List<JsonNode> all = new ArrayList<>();
    for (RawClient c : connections) {
      List<JsonNode> got = c.received();
      if (got.isEmpty() || !got.get(0).has("connect")) throw new AssertionError("first message is not the connect reply: " + got);
      all.addAll(got.subList(1, got.size()));
    }
    return all;
  }

  @Override
  public void close() {
    connections.forEach(RawClient::close);
    proxy.close();
  }
}
