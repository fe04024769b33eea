package io.rebound.webhook;

import io.rebound.config.WebhookOptions;
import io.rebound.core.Version;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * POSTs request bodies to {@code webhook_endpoint} over a small pool of kept-alive connections
 * (Vert.x's HTTP client: non-blocking, callbacks on the caller's context).
 *
 * <p>Each call has a hard deadline of {@code webhook_timeout} for the whole exchange (connect, send,
 * the complete answer): a backend that accepts the connection and then trickles or never answers is
 * cut off and its connection reset, so it cannot hold a batch longer than that.
 */
final class WebhookClient {

  /** The sender has one request in flight; the second connection covers a reconnect racing a close. */
  private static final int POOL_SIZE = 2;

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final RequestOptions request;
  private final long timeoutMs;

  WebhookClient(Vertx vertx, WebhookOptions options) {
    this.vertx = vertx;
    this.timeoutMs = options.timeout().toMillis();
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs)),
        new PoolOptions().setHttp1MaxSize(POOL_SIZE));
    this.request = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(options.endpoint())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.USER_AGENT, Version.SERVER.replace(' ', '/'));
    options.staticHttpHeaders().forEach(request::putHeader);
  }

  /** The backend's status code for {@code body} (whatever it is); fails when there is no complete answer in time. */
  Future<Integer> post(Buffer body) {
    Promise<Integer> result = Promise.promise();
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    long timer = vertx.setTimer(timeoutMs, t -> {
      if (result.tryFail(new TimeoutException("no answer within " + timeoutMs + " ms"))) {
        HttpClientRequest r = sent.get();
        if (r != null) r.reset(); // frees the connection instead of leaving it to an answer nobody waits for
      }
    });
    client.request(new RequestOptions(request))
        .compose(req -> {
          sent.set(req);
          return req.send(body);
        })
        .compose(resp -> resp.body().map(ignored -> resp.statusCode()))
        .onComplete(ar -> {
          vertx.cancelTimer(timer);
          if (ar.succeeded()) result.tryComplete(ar.result());
          else result.tryFail(ar.cause());
        });
    return result.future();
  }

  Future<Void> close() {
    return client.close();
  }
}
