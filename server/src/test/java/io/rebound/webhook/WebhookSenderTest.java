package io.rebound.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.config.WebhookOptions;
import io.rebound.metrics.BrokerMetrics;
import io.rebound.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sender against a real HTTP backend: order, batching, resends, timeouts, the buffer bound. */
class WebhookSenderTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private Vertx vertx;
  private WebhookBackend backend;
  private BrokerMetrics metrics;
  private WebhookClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    backend = WebhookBackend.start(vertx);
    metrics = new BrokerMetrics();
  }

  @AfterEach
  void stop() {
    if (client != null) Await.result(client.close());
    backend.close();
    Await.result(vertx.close(), 30);
  }

  private WebhookSender sender(int batchSize, int bufferSize, Duration timeout, Supplier<Future<Void>> beforeSend) {
    WebhookOptions options = new WebhookOptions(backend.url(), timeout, batchSize, bufferSize, Duration.ofMillis(20),
        Duration.ofMillis(200), Map.of("Authorization", "Bearer test-secret"), WebhookOptions.DEFAULT_NODE_TTL);
    client = new WebhookClient(vertx, options);
    return new WebhookSender(vertx, vertx.getOrCreateContext(), new EventBuffer(bufferSize), client,
        new Backoff(options.retryMinBackoff(), options.retryMaxBackoff()), batchSize, options.endpoint(), metrics, beforeSend);
  }

  private WebhookSender sender(int batchSize, int bufferSize) {
    return sender(batchSize, bufferSize, Duration.ofSeconds(5), Future::succeededFuture);
  }

  private static WebhookEvent event(String client, long seq) {
    return seq == 0 ? WebhookEvent.connect("node-1", "user-" + client, client, 1000 + seq)
        : WebhookEvent.subscription(EventType.SUBSCRIBE, seq, "node-1", "user-" + client, client, "ch-" + seq, 1000 + seq);
  }

  private double counter(String line) {
    return metrics.scrape().lines().filter(l -> l.startsWith(line + " ")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst().orElse(0);
  }

  @Test
  void eachClientsEventsArriveInOrderInBatchesOfAtMostTheBatchSize() throws InterruptedException {
    WebhookSender sender = sender(10, 1000);
    // Three producers at once, as three event loops would be: each client's events come from one thread.
    List<Thread> producers = new ArrayList<>();
    for (String client : List.of("a", "b", "c")) {
      Thread t = new Thread(() -> {
        for (int seq = 0; seq < 40; seq++) assertThat(sender.offer(event(client, seq), null)).isTrue();
      });
      t.start();
      producers.add(t);
    }
    for (Thread t : producers) t.join();

    backend.await("all events", 120, e -> true, WAIT);
    for (String client : List.of("a", "b", "c")) {
      assertThat(backend.of(client).stream().map(e -> e.path("seq").asLong()).toList())
          .as("seq of %s's events", client).containsExactlyElementsOf(IntStream.range(0, 40).mapToObj(i -> (long) i).toList());
    }
    assertThat(backend.events()).as("nothing delivered twice when the backend always answers").hasSize(120);
    assertThat(backend.batchSizes()).allMatch(n -> n >= 1 && n <= 10);
    assertThat(backend.headers()).allMatch(h -> "Bearer test-secret".equals(h.get("authorization"))
        && "application/json".equals(h.get("content-type")));
    assertThat(counter("rebound_webhook_events_delivered_total")).isEqualTo(120);
    assertThat(counter("rebound_webhook_events_total{type=\"subscribe\"}")).isEqualTo(117);
  }

  @Test
  void aFailedBatchIsResentWithTheSameIdsUntilTheBackendAnswers2xx() {
    backend.mode(WebhookBackend.Mode.FAIL);
    WebhookSender sender = sender(100, 1000);
    for (int seq = 0; seq < 5; seq++) sender.offer(event("a", seq), null);
    Await.until("three refused attempts", WAIT, () -> backend.requests() >= 3);
    assertThat(backend.events()).isEmpty();

    backend.mode(WebhookBackend.Mode.OK);
    sender.offer(event("a", 5), null);
    backend.await("every event once the backend is back", 6, e -> true, WAIT);
    assertThat(backend.events().stream().map(e -> e.path("id").asText()).toList())
        .containsExactly("a:0", "a:1", "a:2", "a:3", "a:4", "a:5");
    assertThat(counter("rebound_webhook_requests_total{outcome=\"status\"}")).isGreaterThanOrEqualTo(3);
    assertThat(counter("rebound_webhook_requests_total{outcome=\"ok\"}")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aBackendThatNeverAnswersIsCutOffAfterTheTimeoutAndTheBatchResent() {
    backend.mode(WebhookBackend.Mode.HANG);
    WebhookSender sender = sender(100, 1000, Duration.ofMillis(300), Future::succeededFuture);
    sender.offer(event("a", 0), null);
    Await.until("a second attempt after the first timed out", WAIT, () -> backend.requests() >= 2);
    assertThat(counter("rebound_webhook_requests_total{outcome=\"timeout\"}")).isGreaterThanOrEqualTo(1);

    backend.mode(WebhookBackend.Mode.OK);
    backend.await("the event", 1, e -> e.path("id").asText().equals("a:0"), WAIT);
  }

  @Test
  void nothingIsSentWhileTheSessionRecordsAreNotStored() {
    AtomicInteger refusals = new AtomicInteger(3);
    AtomicInteger asked = new AtomicInteger();
    WebhookSender sender = sender(100, 1000, Duration.ofSeconds(5), () -> {
      asked.incrementAndGet();
      return refusals.getAndDecrement() > 0 ? Future.failedFuture("records not stored") : Future.succeededFuture();
    });
    sender.offer(event("a", 0), null);
    backend.await("the event after the records were stored", 1, e -> true, WAIT);
    assertThat(asked.get()).isGreaterThanOrEqualTo(4);
    assertThat(backend.requests()).as("no request while the records were not stored").isEqualTo(1);
  }

  @Test
  void aFullBufferDropsNewEventsCountsThemAndLogsOneLinePerBurst() {
    backend.mode(WebhookBackend.Mode.FAIL);
    WebhookSender sender = sender(5, 10);
    int accepted = 0;
    int dropped = 0;
    AtomicInteger delivered = new AtomicInteger();
    try (LogCapture log = new LogCapture()) {
      sender.offer(event("a", 0), delivered::incrementAndGet);
      Await.until("the first batch in flight", WAIT, () -> backend.requests() >= 1);
      for (int seq = 1; seq < 40; seq++) {
        if (sender.offer(event("a", seq), delivered::incrementAndGet)) accepted++;
        else dropped++;
      }
      // One in flight plus a full buffer of 10 waiting; everything after that was dropped.
      assertThat(accepted).isEqualTo(10);
      assertThat(dropped).isEqualTo(29);
      assertThat(metrics.webhookEventsDropped()).isEqualTo(29);
      assertThat(counter("rebound_webhook_events_dropped_total")).isEqualTo(29);
      assertThat(counter("rebound_webhook_buffered_events")).as("the gauge is registered by the service, not here").isZero();
      assertThat(log.lines("event=webhook_buffer_full")).as("one loud line for the whole burst").hasSize(1);
      assertThat(log.lines("event=webhook_buffer_full").get(0)).contains("ERROR", "buffer_size=10");
      assertThat(log.lines("event=webhook_backend_failing")).hasSize(1);

      backend.mode(WebhookBackend.Mode.OK);
      Await.until("the 11 kept events delivered", WAIT, () -> delivered.get() == 11);
      assertThat(backend.events().stream().map(e -> e.path("seq").asInt()).toList())
          .containsExactlyElementsOf(IntStream.rangeClosed(0, 10).boxed().toList());
      Await.until("the burst's end logged", WAIT, () -> log.lines("event=webhook_buffer_drops_ended").size() == 1);
      assertThat(log.lines("event=webhook_buffer_drops_ended").get(0)).contains("dropped=29");
      assertThat(log.lines("event=webhook_backend_recovered")).hasSize(1);
    }
  }

  @Test
  void theEncodedBatchIsWhatTheReadmeShows() {
    WebhookSender sender = sender(100, 100);
    sender.offer(WebhookEvent.connect("node-1", "42", "c1", 1700000000000L), null);
    sender.offer(WebhookEvent.subscription(EventType.SUBSCRIBE, 1, "node-1", "42", "c1", "chat:index", 1700000000001L), null);
    SessionRecord ended = new SessionRecord("c1", "42", "node-1", 2, List.of("chat:index"), new SessionRecord.Ended(3001, "shutdown", 1700000000002L));
    sender.offer(ended.disconnectEvent(0), null);
    List<JsonNode> got = backend.await("three events", 3, e -> true, WAIT);
    assertThat(got.get(0).toString()).isEqualTo(
        "{\"id\":\"c1:0\",\"type\":\"connect\",\"seq\":0,\"time\":1700000000000,\"node\":\"node-1\",\"user\":\"42\",\"client\":\"c1\"}");
    assertThat(got.get(1).toString()).isEqualTo("{\"id\":\"c1:1\",\"type\":\"subscribe\",\"seq\":1,\"time\":1700000000001,"
        + "\"node\":\"node-1\",\"user\":\"42\",\"client\":\"c1\",\"channel\":\"chat:index\"}");
    assertThat(got.get(2).toString()).isEqualTo("{\"id\":\"c1:disconnect\",\"type\":\"disconnect\",\"seq\":2,\"time\":1700000000002,"
        + "\"node\":\"node-1\",\"user\":\"42\",\"client\":\"c1\",\"code\":3001,\"reason\":\"shutdown\",\"channels\":[\"chat:index\"]}");
  }
}
