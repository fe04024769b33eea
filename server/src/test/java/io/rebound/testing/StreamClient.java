package io.rebound.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A plain HTTP client of one streaming connection endpoint ({@code http_stream}, {@code sse},
 * {@code uni_http_stream}, {@code uni_sse}), as a page or a script without an SDK would use it:
 * opens the request on its own {@link HttpClient} connection, parses what streams back — JSON lines,
 * or server-sent events whose {@code data:} lines each hold one JSON value — and waits on conditions
 * instead of sleeping. {@link #emulate} sends a {@code POST /emulation} the way the JS SDK does.
 */
public final class StreamClient implements AutoCloseable {

  /** How the response carries messages. */
  public enum Framing { LINES, EVENTS }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final HttpClient http;
  private final Framing framing;
  private final Object lock = new Object();
  private final List<JsonNode> received = new ArrayList<>();
  private final StringBuilder partial = new StringBuilder();
  private HttpClientResponse response;
  private boolean ended;

  private StreamClient(HttpClient http, Framing framing) {
    this.http = http;
    this.framing = framing;
  }

  /**
   * Opens {@code method uri} on {@code port} with {@code body} (null: none) and returns once the
   * status line arrived; {@code receiveBufferSize} > 0 sets a small TCP receive buffer (for a
   * client that stops reading).
   */
  public static StreamClient open(Vertx vertx, int port, HttpMethod method, String uri, String contentType, Buffer body, Framing framing,
      int receiveBufferSize) {
    HttpClientOptions options = new HttpClientOptions().setKeepAlive(false);
    if (receiveBufferSize > 0) options.setReceiveBufferSize(receiveBufferSize);
    HttpClient http = vertx.createHttpClient(options);
    StreamClient c = new StreamClient(http, framing);
    RequestOptions request = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
    if (contentType != null) request.putHeader("Content-Type", contentType);
    c.response = Await.result(http.request(request).compose(r -> onLoop(body == null ? r.send() : r.send(body), response -> {
      response.handler(c::onData);
      response.endHandler(v -> c.onEnd());
      response.exceptionHandler(e -> c.onEnd());
      return Future.succeededFuture(response);
    })));
    return c;
  }

  /** {@code POST uri} with a JSON body on its own connection. */
  public static StreamClient post(Vertx vertx, int port, String uri, String json, Framing framing) {
    return open(vertx, port, HttpMethod.POST, uri, "application/json", Buffer.buffer(json), framing, 0);
  }

  /** {@code GET uri} (an EventSource). */
  public static StreamClient get(Vertx vertx, int port, String uri) {
    return open(vertx, port, HttpMethod.GET, uri, null, null, Framing.EVENTS, 0);
  }

  /** {@code POST /emulation} with {@code {"session":…,"node":…,"data":"<frame>"}}, as the JS SDK sends a client frame; the status. */
  public static int emulate(Vertx vertx, int port, String session, String node, String frame) {
    String body = JSON.createObjectNode().put("session", session).put("node", node).put("data", frame).toString();
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    try {
      return Await.result(http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI("/emulation")
          .putHeader("Content-Type", "application/json"))
          .compose(r -> onLoop(r.send(body), response -> response.body().map(b -> response.statusCode()))));
    } finally {
      http.close();
    }
  }

  /**
   * {@code then} on the response of {@code sent}. Called inside the callback that sends the request, which runs on the
   * connection's loop, so {@code then} is chained before that loop can read the response and runs as its head is read,
   * before any of the body. Chained by the caller's thread
   * instead (a {@code .map} after the {@code .compose}), it raced the response: a caller descheduled on a busy machine
   * chained it after the response had arrived, and Vert.x had dropped the body chunks no handler took (a stream's
   * connect reply never seen) or ended the body before {@code body()} was asked for (that future never completes).
   */
  private static <T> Future<T> onLoop(Future<HttpClientResponse> sent, Function<HttpClientResponse, Future<T>> then) {
    return sent.compose(then);
  }

  private void onData(Buffer chunk) {
    synchronized (lock) {
      partial.append(chunk.toString(StandardCharsets.UTF_8));
      int nl;
      while ((nl = partial.indexOf("\n")) >= 0) {
        String line = partial.substring(0, nl);
        partial.delete(0, nl + 1);
        if (framing == Framing.EVENTS) {
          if (!line.startsWith("data: ")) continue; // blank lines end events; the stream starts with one
          line = line.substring("data: ".length());
        }
        if (line.isBlank()) continue;
        try {
          received.add(JSON.readTree(line));
        } catch (IOException e) {
          received.add(JSON.createObjectNode().put("unparsable", line));
        }
      }
      lock.notifyAll();
    }
  }

  private void onEnd() {
    synchronized (lock) {
      ended = true;
      lock.notifyAll();
    }
  }

  public int status() {
    return response.statusCode();
  }

  public String header(String name) {
    return response.getHeader(name);
  }

  /** Every message so far, in arrival order. */
  public List<JsonNode> received() {
    synchronized (lock) {
      return List.copyOf(received);
    }
  }

  /** Waits for the first message matching {@code filter} and returns it. */
  public JsonNode await(String what, Predicate<JsonNode> filter) {
    return awaitCount(what, 1, filter).get(0);
  }

  /** Waits until {@code count} messages match {@code filter}; returns them in order. */
  public List<JsonNode> awaitCount(String what, int count, Predicate<JsonNode> filter) {
    List<JsonNode>[] found = new List[1];
    Await.until(what + " " + this, WAIT, () -> {
      found[0] = received().stream().filter(filter).toList();
      return found[0].size() >= count;
    });
    return found[0].subList(0, count);
  }

  /** Waits until the server ended the stream (or the connection went away). */
  public void awaitEnd() {
    Await.until("end of stream " + this, WAIT, this::ended);
  }

  public boolean ended() {
    synchronized (lock) {
      return ended;
    }
  }

  /** Stops reading: the server's writes back up into the TCP buffers. */
  public void pause() {
    response.pause();
  }

  @Override
  public String toString() {
    List<JsonNode> all = received();
    return "(received " + all.size() + ", last: " + (all.isEmpty() ? "-" : all.get(all.size() - 1)) + ")";
  }

  /** Drops the connection (as a client that goes away). */
  @Override
  public void close() {
    Await.result(http.close(), 10);
  }
}
