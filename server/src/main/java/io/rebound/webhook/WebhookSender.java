package io.rebound.webhook;

import io.rebound.metrics.BrokerMetrics;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a node's buffered events to the backend: in batches of up to {@code webhook_batch_size},
 * one request at a time, each batch sent again (the same events, the same ids) after a growing wait
 * until the backend answers 2xx. Only then is the next batch taken. So events leave in the order they
 * entered the buffer, and every event is delivered at least once unless it was dropped on entry.
 *
 * <p>Batches form by themselves: whatever arrived while a request was in flight is the next batch, so
 * a quiet node sends each event at once and a busy one sends fewer, larger requests.
 *
 * <p>Threading: {@link #offer} is called from any thread and never blocks (it is a queue offer and a
 * flag); everything else runs on the sender's own context. A full buffer drops the new event, counts
 * it, and logs one error line per burst of drops (the burst ends when the buffer is half empty again).
 */
final class WebhookSender {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);

  private final Vertx vertx;
  private final Context context;
  private final EventBuffer buffer;
  private final WebhookClient client;
  private final Backoff backoff;
  private final int batchSize;
  private final String endpoint;
  private final BrokerMetrics metrics;
  private final Supplier<Future<Void>> beforeSend;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicBoolean dropping = new AtomicBoolean();
  private final AtomicLong droppedInBurst = new AtomicLong();
  private volatile long failingSinceMs; // 0 = the last request succeeded

  // Confined to the context.
  private List<EventBuffer.Entry> batch;
  private Buffer body;
  private boolean busy; // a request is in flight, or a resend is waiting for its timer
  private int attempt;
  private long retryTimer = -1;
  private boolean stopped;
  private final List<Promise<Boolean>> idleWaiters = new ArrayList<>();

  /**
   * @param beforeSend completes when the node's session records are stored (each batch waits for it,
   *     so the backend never hears of a connection the cluster could not report the disconnect of)
   */
  WebhookSender(Vertx vertx, Context context, EventBuffer buffer, WebhookClient client, Backoff backoff, int batchSize,
      String endpoint, BrokerMetrics metrics, Supplier<Future<Void>> beforeSend) {
    this.vertx = vertx;
    this.context = context;
    this.buffer = buffer;
    this.client = client;
    this.backoff = backoff;
    this.batchSize = batchSize;
    this.endpoint = endpoint;
    this.metrics = metrics;
    this.beforeSend = beforeSend;
  }

  /**
   * Queues {@code event} for delivery; {@code onDelivered} (may be null) runs on the sender's context
   * once the backend acknowledged it. False when the buffer is full and the event was dropped.
   */
  boolean offer(WebhookEvent event, Runnable onDelivered) {
    if (!tryOffer(event, onDelivered)) {
      dropped(event);
      return false;
    }
    return true;
  }

  /** As {@link #offer}, but a full buffer is not a drop: the caller keeps the event and offers it again later. */
  boolean tryOffer(WebhookEvent event, Runnable onDelivered) {
    if (!buffer.offer(new EventBuffer.Entry(event, onDelivered))) return false;
    metrics.webhookEvent(event.type().jsonName());
    wake();
    return true;
  }

  /** Places left in the buffer now. */
  int remaining() {
    return buffer.remaining();
  }

  private void wake() {
    if (scheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        scheduled.set(false);
        pump();
      });
    }
  }

  private void pump() {
    if (busy || stopped) return;
    if (batch == null) {
      List<EventBuffer.Entry> next = buffer.take(batchSize);
      if (next.isEmpty()) {
        idle();
        return;
      }
      batch = next;
      body = EventBatch.encode(next.stream().map(EventBuffer.Entry::event).toList());
    }
    busy = true;
    Future<Void> stored;
    try {
      stored = beforeSend.get();
    } catch (RuntimeException e) {
      stored = Future.failedFuture(e);
    }
    stored.transform(ar -> ar.succeeded() ? client.post(body) : Future.<Integer>failedFuture(new RecordsNotStored(ar.cause())))
        .onComplete(ar -> onContext(() -> answered(ar)));
  }

  /** The batch was not sent: the session records it depends on are not stored yet (the ledger logs why). */
  private static final class RecordsNotStored extends RuntimeException {
    RecordsNotStored(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private void answered(AsyncResult<Integer> ar) {
    if (stopped) return;
    if (ar.succeeded() && ar.result() / 100 == 2) {
      delivered();
    } else {
      failed(ar);
    }
  }

  private void delivered() {
    List<EventBuffer.Entry> done = batch;
    batch = null;
    body = null;
    busy = false;
    attempt = 0;
    metrics.webhookRequest("ok");
    metrics.webhookDelivered(done.size());
    if (failingSinceMs != 0) {
      LOG.info("event=webhook_backend_recovered endpoint={} failing_for_ms={} buffered={}", endpoint,
          System.currentTimeMillis() - failingSinceMs, buffer.size());
      failingSinceMs = 0;
    }
    for (EventBuffer.Entry e : done) {
      if (e.onDelivered() == null) continue;
      try {
        e.onDelivered().run();
      } catch (RuntimeException ex) {
        LOG.warn("event=webhook_after_delivery_failed id={} error=\"{}\"", e.event().id(), ex.toString());
      }
    }
    if (dropping.get() && buffer.size() <= buffer.capacity() / 2 && dropping.compareAndSet(true, false)) {
      LOG.warn("event=webhook_buffer_drops_ended endpoint={} dropped={} buffered={}", endpoint, droppedInBurst.getAndSet(0), buffer.size());
    }
    pump();
  }

  private void failed(AsyncResult<Integer> ar) {
    attempt++;
    long delay = backoff.delayMs(attempt);
    if (ar.failed() && ar.cause() instanceof RecordsNotStored) {
      LOG.debug("event=webhook_batch_held reason=\"{}\" retry_ms={}", ar.cause().getMessage(), delay);
      retryLater(delay);
      return;
    }
    String outcome;
    String detail;
    if (ar.succeeded()) {
      outcome = "status";
      detail = "status=" + ar.result();
    } else {
      outcome = ar.cause() instanceof TimeoutException ? "timeout" : "error";
      detail = "error=\"" + ar.cause().getMessage() + "\"";
    }
    metrics.webhookRequest(outcome);
    if (failingSinceMs == 0) {
      failingSinceMs = System.currentTimeMillis();
      // Once per outage: the recovery and, if it lasts, the buffer running full are logged on their own.
      LOG.warn("event=webhook_backend_failing endpoint={} {} batch={} buffered={}: resending with backoff until it answers 2xx",
          endpoint, detail, batch.size(), buffer.size());
    } else {
      LOG.debug("event=webhook_resend_failed endpoint={} {} attempt={}", endpoint, detail, attempt);
    }
    retryLater(delay);
  }

  private void retryLater(long delayMs) {
    retryTimer = vertx.setTimer(delayMs, t -> {
      retryTimer = -1;
      busy = false;
      pump();
    });
  }

  private void dropped(WebhookEvent event) {
    metrics.webhookDropped();
    droppedInBurst.incrementAndGet();
    if (dropping.compareAndSet(false, true)) {
      long since = failingSinceMs;
      LOG.error("event=webhook_buffer_full endpoint={} buffer_size={} backend_failing_for_ms={} first_dropped={} type={}: "
              + "new lifecycle events are DROPPED until the backend catches up (counted in rebound_webhook_events_dropped_total)",
          endpoint, buffer.capacity(), since == 0 ? 0 : System.currentTimeMillis() - since, event.id(), event.type().jsonName());
    }
  }

  /**
   * Completes with true once every buffered event is delivered (now, or as soon as it happens), with
   * false when that takes longer than {@code maxMs}.
   */
  Future<Boolean> whenDelivered(long maxMs) {
    Promise<Boolean> p = Promise.promise();
    onContext(() -> {
      if (batch == null && buffer.size() == 0) {
        p.complete(true);
        return;
      }
      idleWaiters.add(p);
      long timer = vertx.setTimer(Math.max(1, maxMs), t -> {
        idleWaiters.remove(p);
        p.tryComplete(false);
      });
      p.future().onComplete(ar -> vertx.cancelTimer(timer));
    });
    return p.future();
  }

  /** Stops sending; what is still buffered stays undelivered. */
  void stop() {
    onContext(() -> {
      stopped = true;
      if (retryTimer >= 0) vertx.cancelTimer(retryTimer);
      idleWaiters.forEach(p -> p.tryComplete(buffer.size() == 0 && batch == null));
      idleWaiters.clear();
    });
  }

  /** Events waiting, including the batch in flight (on the sender's context). */
  int pending() {
    return buffer.size() + (batch == null ? 0 : batch.size());
  }

  private void idle() {
    List<Promise<Boolean>> waiters = new ArrayList<>(idleWaiters);
    idleWaiters.clear();
    waiters.forEach(p -> p.tryComplete(true));
  }

  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) action.run();
    else context.runOnContext(v -> action.run());
  }
}
