package io.rebound.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rebound.config.ProxyOptions;
import io.rebound.config.ProxyOptions.Hook;
import io.rebound.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ProxyClient} against a real HTTP server: the documented answers, everything that is not
 * one (status, garbage, oversized, silence), the deadline, the node's call line, headers, metrics.
 */
class ProxyClientTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Vertx vertx;
  private HttpServer server;
  private volatile Consumer<HttpServerRequest> answer;
  private final ConcurrentLinkedQueue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = Await.result(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> answer.accept(req))).listen(0, "127.0.0.1"), 10);
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close(), 10);
  }

  private ProxyClient client(Duration timeout, int maxInFlight, int maxQueued) {
    URI url = URI.create("http://127.0.0.1:" + server.actualPort() + "/connect");
    ProxyOptions options = new ProxyOptions(Map.of(Hook.CONNECT, new ProxyOptions.Endpoint(url, timeout)), List.of("cookie"),
        Map.of("X-Static", "s", "Cookie", "static-loses"), false, maxInFlight, maxQueued);
    return new ProxyClient(vertx, options, registry);
  }

  private Future<JsonNode> call(ProxyClient client) {
    return client.call(Hook.CONNECT, JSON.createObjectNode().put("client", "c1"), Map.of("cookie", "sid=1"));
  }

  private static Throwable failure(Future<?> f) {
    return Await.failure(f);
  }

  private double count(String outcome) {
    var c = registry.find("rebound_proxy_requests_total").tag("hook", "connect").tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void theDocumentedAnswers() {
    ProxyClient client = client(Duration.ofSeconds(2), 4, 4);
    answer = req -> req.response().end("{\"result\":{\"user\":\"u\"}}");
    assertThat(Await.result(call(client)).path("user").asText()).isEqualTo("u");

    answer = req -> req.response().end("{\"error\":{\"code\":1000,\"message\":\"custom\",\"temporary\":true}}");
    BackendRefusal error = (BackendRefusal) failure(call(client));
    assertThat(error.disconnect()).isNull();
    assertThat(error.error().code()).isEqualTo(1000);
    assertThat(error.error().getMessage()).isEqualTo("custom");
    assertThat(error.error().temporary()).isTrue();

    answer = req -> req.response().end("{\"disconnect\":{\"code\":4500,\"reason\":\"bye\"}}");
    BackendRefusal disconnect = (BackendRefusal) failure(call(client));
    assertThat(disconnect.error()).isNull();
    assertThat(disconnect.disconnect().code()).isEqualTo(4500);
    assertThat(disconnect.disconnect().reason()).isEqualTo("bye");

    assertThat(count("ok")).isEqualTo(1);
    assertThat(count("error")).isEqualTo(1);
    assertThat(count("disconnect")).isEqualTo(1);
  }

  @Test
  void anythingElseIsUnavailable() {
    ProxyClient client = client(Duration.ofSeconds(2), 4, 4);
    answer = req -> req.response().setStatusCode(502).end("{\"result\":{}}");
    assertThat(((ProxyUnavailable) failure(call(client))).kind()).isEqualTo(ProxyUnavailable.Kind.STATUS);
    answer = req -> req.response().end("<html>");
    assertThat(((ProxyUnavailable) failure(call(client))).kind()).isEqualTo(ProxyUnavailable.Kind.INVALID);
    answer = req -> req.response().end("{\"something\":1}");
    assertThat(((ProxyUnavailable) failure(call(client))).kind()).isEqualTo(ProxyUnavailable.Kind.INVALID);
    answer = req -> req.response().end("{\"result\":{\"pad\":\"" + "x".repeat(ProxyClient.MAX_BODY_BYTES) + "\"}}");
    assertThat(((ProxyUnavailable) failure(call(client))).kind()).as("oversized").isEqualTo(ProxyUnavailable.Kind.INVALID);
    assertThat(count("status")).isEqualTo(1);
    assertThat(count("invalid")).isEqualTo(3);
  }

  @Test
  void aSilentBackendFailsTheCallAtItsDeadline() {
    ProxyClient client = client(Duration.ofMillis(300), 4, 4);
    answer = held::add;
    long started = System.nanoTime();
    ProxyUnavailable e = (ProxyUnavailable) failure(call(client));
    assertThat(e.kind()).isEqualTo(ProxyUnavailable.Kind.TIMEOUT);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
    assertThat(count("timeout")).isEqualTo(1);
  }

  @Test
  void callsBeyondTheLineAreRefusedAtOnce_andWaitingOnesStartInTurn() {
    ProxyClient client = client(Duration.ofSeconds(10), 1, 1);
    answer = held::add;
    Future<JsonNode> first = call(client);
    Await.until("the first call reached the backend", Duration.ofSeconds(10), () -> held.size() == 1);
    Future<JsonNode> second = call(client); // waits for the only slot
    ProxyUnavailable third = (ProxyUnavailable) failure(call(client));
    assertThat(third.kind()).isEqualTo(ProxyUnavailable.Kind.OVERLOADED);
    assertThat(second.isComplete()).isFalse();

    answer = req -> req.response().end("{\"result\":{\"n\":2}}");
    held.poll().response().end("{\"result\":{\"n\":1}}");
    assertThat(Await.result(first).path("n").asInt()).isEqualTo(1);
    assertThat(Await.result(second).path("n").asInt()).isEqualTo(2);
    assertThat(count("overloaded")).isEqualTo(1);
  }

  @Test
  void forwardsTheClientsHeadersOverTheStaticOnes() {
    ProxyClient client = client(Duration.ofSeconds(2), 4, 4);
    ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
    answer = req -> {
      seen.add(req.getHeader("Cookie") + "|" + req.getHeader("X-Static") + "|" + req.getHeader("Content-Type") + "|" + req.method());
      req.response().end("{\"result\":{}}");
    };
    Await.result(call(client));
    assertThat(seen).containsExactly("sid=1|s|application/json|POST");
  }
}
