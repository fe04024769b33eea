package io.rebound.webhook;

import io.rebound.config.WebhookOptions;
import io.rebound.metrics.BrokerMetrics;
import io.rebound.protocol.Disconnect;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's lifecycle webhooks: turns what its sessions report ({@link LifecycleListener}) into events
 * for the {@link WebhookSender}, and keeps each session's {@link SessionRecord} in the {@link
 * SessionLedger} from connect until the backend acknowledged its disconnect, so that a survivor can
 * report the disconnect if this node dies first.
 *
 * <p>Threading: the listener methods run on the sessions' event loops and only touch a concurrent
 * map, a concurrent set and the sender's lock-free buffer. The ledger writes happen on the webhook
 * context ({@link #start}): a client whose record changed is marked, and one pass there stores the
 * latest record of every marked client, so a burst of subscribes costs one write.
 */
public final class WebhookService implements LifecycleListener {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookService.class);
  /** How soon a failed ledger write is tried again. */
  static final long LEDGER_RETRY_MS = 1_000;

  private final String node;
  private final WebhookOptions options;
  private final BrokerMetrics metrics;
  private final SessionLedger ledger;
  /** This node's sessions from connect until their disconnect was delivered (or dropped). */
  private final ConcurrentHashMap<String, SessionRecord> sessions = new ConcurrentHashMap<>();
  /** Clients whose record must be written to (or deleted from) the ledger. */
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private volatile WebhookSender sender;
  private Vertx vertx;
  private Context context;
  private WebhookClient client;
  // Confined to the context.
  private final Set<Future<Void>> writing = new HashSet<>();
  private boolean ledgerFailing;
  private long ledgerRetryTimer = -1;

  public WebhookService(String node, WebhookOptions options, BrokerMetrics metrics, SessionLedger ledger) {
    if (!options.enabled()) throw new IllegalArgumentException("webhook_endpoint is not set");
    this.node = node;
    this.options = options;
    this.metrics = metrics;
    this.ledger = ledger;
  }

  /** Starts delivering, with {@code context} as the webhook context (the sender's and the ledger's). */
  public Future<Void> start(Vertx vertx, Context context) {
    this.vertx = vertx;
    this.context = context;
    EventBuffer buffer = new EventBuffer(options.bufferSize());
    metrics.webhookBufferGauge(buffer::size);
    client = new WebhookClient(vertx, options);
    sender = new WebhookSender(vertx, context, buffer, client, new Backoff(options.retryMinBackoff(), options.retryMaxBackoff()),
        options.batchSize(), options.endpoint(), metrics, this::recordsStored);
    return ledger.start(new Host()).onSuccess(v -> LOG.info(
        "event=webhooks_started endpoint={} batch_size={} buffer_size={} timeout_ms={} ledger=\"{}\"", options.endpoint(),
        options.batchSize(), options.bufferSize(), options.timeout().toMillis(), ledger.describe()));
  }

  /**
   * Delivers what is still buffered for up to {@code webhook_timeout} (at least 2 s, at most 10 s),
   * then stops. Disconnects not delivered by then stay in the ledger, where a survivor finds them
   * once this node has left; with no shared ledger they are lost, and the log says how many.
   */
  public Future<Void> stop() {
    WebhookSender s = sender;
    if (s == null) return Future.succeededFuture();
    long waitMs = Math.min(10_000, Math.max(2_000, options.timeout().toMillis()));
    return s.whenDelivered(waitMs)
        .compose(all -> recordsStored().transform(ar -> Future.succeededFuture(all && ar.succeeded())))
        .compose(all -> {
          boolean recordsLeft = !all || !sessions.isEmpty();
          if (recordsLeft) {
            LOG.warn("event=webhook_undelivered_at_stop endpoint={} events={} sessions={} ledger=\"{}\"", options.endpoint(),
                s.pending(), sessions.size(), ledger.describe());
          }
          return ledger.stop(recordsLeft);
        })
        .eventually(() -> {
          s.stop();
          if (ledgerRetryTimer >= 0) vertx.cancelTimer(ledgerRetryTimer);
          return client.close();
        });
  }

  // ---- LifecycleListener (any event loop) ------------------------------------------------------

  @Override
  public void connected(String user, String client) {
    WebhookSender s = sender;
    if (s == null) return;
    sessions.put(client, new SessionRecord(client, user, node, 1, List.of(), null));
    changed(client);
    s.offer(WebhookEvent.connect(node, user, client, System.currentTimeMillis()), null);
  }

  @Override
  public void subscribed(String user, String client, String channel) {
    SessionRecord r = sessions.get(client);
    if (r == null || r.ended() != null || r.channels().contains(channel)) return;
    List<String> channels = new ArrayList<>(r.channels().size() + 1);
    channels.addAll(r.channels());
    channels.add(channel);
    next(r, EventType.SUBSCRIBE, channel, channels);
  }

  @Override
  public void unsubscribed(String user, String client, String channel) {
    SessionRecord r = sessions.get(client);
    if (r == null || r.ended() != null || !r.channels().contains(channel)) return;
    List<String> channels = new ArrayList<>(r.channels());
    channels.remove(channel);
    next(r, EventType.UNSUBSCRIBE, channel, channels);
  }

  private void next(SessionRecord r, EventType type, String channel, List<String> channels) {
    long seq = r.nextSeq();
    sessions.put(r.client(), new SessionRecord(r.client(), r.user(), node, seq + 1, channels, null));
    changed(r.client());
    sender.offer(WebhookEvent.subscription(type, seq, node, r.user(), r.client(), channel, System.currentTimeMillis()), null);
  }

  @Override
  public void disconnected(String user, String client, Disconnect reason) {
    SessionRecord r = sessions.get(client);
    if (r == null || r.ended() != null) return;
    long now = System.currentTimeMillis();
    // The ended record is stored too: a survivor that reports it (this node died before delivering)
    // then sends exactly this event, with this code and reason.
    SessionRecord ended = new SessionRecord(client, r.user(), node, r.nextSeq(), r.channels(),
        new SessionRecord.Ended(reason.code(), reason.reason(), now));
    sessions.put(client, ended);
    changed(client);
    if (!sender.offer(ended.disconnectEvent(now), () -> forget(ended))) forget(ended);
  }

  /** The session's disconnect was delivered or dropped: its record goes. */
  private void forget(SessionRecord ended) {
    if (sessions.remove(ended.client(), ended)) changed(ended.client());
  }

  // ---- the ledger (webhook context) ------------------------------------------------------------

  private void changed(String client) {
    if (ledger == SessionLedger.NONE) return; // nothing to keep: one node, nobody to report for it
    dirty.add(client);
    if (flushScheduled.compareAndSet(false, true)) context.runOnContext(v -> writeRecords());
  }

  private void writeRecords() {
    flushScheduled.set(false);
    for (Iterator<String> it = dirty.iterator(); it.hasNext(); ) {
      String client = it.next();
      it.remove();
      SessionRecord r = sessions.get(client);
      Future<Void> write;
      try {
        write = r == null ? ledger.delete(client) : ledger.put(r);
      } catch (RuntimeException e) {
        write = Future.failedFuture(e);
      }
      track(client, write);
    }
  }

  private void track(String client, Future<Void> write) {
    Promise<Void> here = Promise.promise();
    Future<Void> f = here.future();
    writing.add(f);
    write.onComplete(ar -> context.runOnContext(v -> {
      writing.remove(f);
      if (ar.failed()) ledgerFailed(client, ar.cause());
      else if (ledgerFailing && writing.isEmpty() && dirty.isEmpty()) ledgerRecovered();
      here.handle(ar);
    }));
  }

  private void ledgerFailed(String client, Throwable cause) {
    metrics.webhookLedgerFailure();
    if (!ledgerFailing) {
      ledgerFailing = true;
      LOG.warn("event=webhook_ledger_failing ledger=\"{}\" error=\"{}\": session records are written again every {} ms; "
          + "events wait until they are stored", ledger.describe(), cause.getMessage(), LEDGER_RETRY_MS);
    }
    dirty.add(client);
    if (ledgerRetryTimer < 0) {
      ledgerRetryTimer = vertx.setTimer(LEDGER_RETRY_MS, t -> {
        ledgerRetryTimer = -1;
        writeRecords();
      });
    }
  }

  private void ledgerRecovered() {
    ledgerFailing = false;
    LOG.info("event=webhook_ledger_recovered ledger=\"{}\"", ledger.describe());
  }

  /**
   * Completes once every session record written so far is stored: each batch waits for it, so the
   * backend never hears of a connection whose disconnect the cluster could not report. Fails while
   * a write is failing (the sender retries the batch later).
   */
  private Future<Void> recordsStored() {
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> {
      writeRecords();
      if (writing.isEmpty()) {
        if (dirty.isEmpty()) p.complete();
        else p.fail("session records are not stored yet (" + ledger.describe() + ")");
        return;
      }
      Future.join(new ArrayList<>(writing)).<Void>mapEmpty().onComplete(p);
    });
    return p.future();
  }

  /** The ledger's view of this service. */
  private final class Host implements LedgerHost {
    @Override public Vertx vertx() { return vertx; }
    @Override public Context context() { return context; }
    @Override public String nodeName() { return node; }

    @Override
    public boolean reportLost(SessionRecord record, Runnable onDelivered) {
      if (!sender.tryOffer(record.disconnectEvent(System.currentTimeMillis()), onDelivered)) return false;
      metrics.webhookDeadNodeDisconnect();
      return true;
    }

    @Override
    public void rewriteAll() {
      sessions.keySet().forEach(WebhookService.this::changed);
    }
  }
}
