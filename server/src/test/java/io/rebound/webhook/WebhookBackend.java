package io.rebound.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A real webhook backend for tests: a Vert.x HTTP server on a port of its own that records every
 * event of every request it acknowledged, in arrival order, and can be made to fail (answer 503),
 * hang (never answer) or go away altogether (closed port) and come back on the same port.
 */
public final class WebhookBackend implements AutoCloseable {

  public enum Mode { OK, FAIL, HANG }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx;
  private int port;
  private HttpServer server;
  private volatile Mode mode = Mode.OK;
  private final List<JsonNode> events = new ArrayList<>(); // acknowledged, in order
  private final List<Map<String, String>> headers = new ArrayList<>();
  private final List<Integer> batchSizes = new ArrayList<>();
  private int requests;
  private int acknowledged;

  private WebhookBackend(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Starts a backend on a free port. */
  public static WebhookBackend start(Vertx vertx) {
    WebhookBackend b = new WebhookBackend(vertx);
    b.listen(0);
    return b;
  }

  private void listen(int onPort) {
    server = vertx.createHttpServer().requestHandler(this::handle);
    Await.result(server.listen(onPort, "127.0.0.1"));
    port = server.actualPort();
  }

  public int port() {
    return port;
  }

  /** The URL to configure as {@code webhook_endpoint}. */
  public String url() {
    return "http://127.0.0.1:" + port() + "/webhook";
  }

  public void mode(Mode mode) {
    this.mode = mode;
  }

  /** Closes the listening port: the node's requests are refused until {@link #comeBack()}. */
  public void goAway() {
    Await.result(server.close());
  }

  /** Listens again on the same port. */
  public void comeBack() {
    listen(port);
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      Mode m = mode;
      synchronized (this) {
        requests++;
      }
      if (m == Mode.HANG) return; // never answers; the node's timeout must cut it off
      if (m == Mode.FAIL) {
        req.response().setStatusCode(503).end("backend down for the test");
        return;
      }
      JsonNode batch;
      try {
        batch = JSON.readTree(body.getBytes());
      } catch (IOException e) {
        req.response().setStatusCode(400).end();
        throw new UncheckedIOException(e);
      }
      synchronized (this) {
        acknowledged++;
        batch.path("events").forEach(events::add);
        batchSizes.add(batch.path("events").size());
        Map<String, String> h = new LinkedHashMap<>();
        req.headers().forEach(e -> h.put(e.getKey().toLowerCase(), e.getValue()));
        headers.add(h);
        notifyAll();
      }
      req.response().setStatusCode(200).end();
    });
  }

  /** Every acknowledged event in arrival order, duplicates included. */
  public synchronized List<JsonNode> events() {
    return new ArrayList<>(events);
  }

  /** The acknowledged events with duplicates (same id) removed, first arrival kept: what a de-duplicating backend keeps. */
  public synchronized List<JsonNode> distinct() {
    Map<String, JsonNode> byId = new LinkedHashMap<>();
    for (JsonNode e : events) byId.putIfAbsent(e.path("id").asText(), e);
    return new ArrayList<>(byId.values());
  }

  /** The distinct events of {@code client}, in arrival order. */
  public List<JsonNode> of(String client) {
    return distinct().stream().filter(e -> e.path("client").asText().equals(client)).toList();
  }

  /** Distinct events of {@code client} as {@code type} or {@code type:channel} strings. */
  public List<String> story(String client) {
    return of(client).stream().map(e -> e.path("type").asText() + (e.has("channel") ? ":" + e.path("channel").asText() : ""))
        .collect(Collectors.toList());
  }

  public synchronized int requests() {
    return requests;
  }

  public synchronized int acknowledged() {
    return acknowledged;
  }

  /** The number of events in each acknowledged request. */
  public synchronized List<Integer> batchSizes() {
    return new ArrayList<>(batchSizes);
  }

  /** Headers of each acknowledged request, names in lower case. */
  public synchronized List<Map<String, String>> headers() {
    return new ArrayList<>(headers);
  }

  /** Waits until some acknowledged events (distinct) satisfy {@code filter} {@code count} times. */
  public List<JsonNode> await(String what, int count, Predicate<JsonNode> filter, Duration timeout) {
    Await.until(what + " (" + count + " events)", timeout, () -> distinct().stream().filter(filter).count() >= count);
    return distinct().stream().filter(filter).toList();
  }

  @Override
  public void close() {
    if (server != null) server.close();
  }
}
