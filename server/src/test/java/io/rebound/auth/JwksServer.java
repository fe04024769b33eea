package io.rebound.auth;

import io.rebound.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server standing in for an identity provider's JWKS endpoint: it serves whatever
 * document the test sets (so the test can rotate keys), or fails, hangs, or streams in chunks.
 */
public final class JwksServer implements AutoCloseable {

  /** How the next requests are answered; HOLD keeps them unanswered until {@link #release()}. */
  public enum Mode { SERVE, FAIL_503, HANG, CHUNKED, HOLD }

  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile String document = "{\"keys\":[]}";
  private volatile Mode mode = Mode.SERVE;
  private final Queue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();

  private JwksServer(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(request -> {
      requests.incrementAndGet();
      switch (mode) {
        case SERVE -> request.response().putHeader("Content-Type", "application/json").end(document);
        case FAIL_503 -> request.response().setStatusCode(503).end("down for maintenance");
        case HANG -> { } // never answers
        case HOLD -> held.add(request);
        case CHUNKED -> {
          var response = request.response().setChunked(true).putHeader("Content-Type", "application/json");
          String doc = document;
          for (int i = 0; i < doc.length(); i += 512) response.write(doc.substring(i, Math.min(doc.length(), i + 512)));
          response.end();
        }
      }
    });
  }

  public static JwksServer start(Vertx vertx) {
    JwksServer s = new JwksServer(vertx);
    Await.result(s.server.listen(0, "127.0.0.1"));
    return s;
  }

  /** Serves {@code jwks} from now on (a key rotation at the provider). */
  public JwksServer serve(String jwks) {
    document = jwks;
    mode = Mode.SERVE;
    return this;
  }

  public JwksServer mode(Mode mode) {
    this.mode = mode;
    return this;
  }

  /** Answers the held requests with the current document and serves from now on. */
  public JwksServer release() {
    mode = Mode.SERVE;
    for (HttpServerRequest r; (r = held.poll()) != null; ) r.response().putHeader("Content-Type", "application/json").end(document);
    return this;
  }

  /** Requests held (mode HOLD) and not answered yet. */
  public int held() {
    return held.size();
  }

  public int requests() {
    return requests.get();
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/realms/test/protocol/openid-connect/certs";
  }

  @Override
  public void close() {
    Await.result(server.close());
  }
}
