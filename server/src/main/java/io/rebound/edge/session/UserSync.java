package io.rebound.edge.session;

import io.rebound.codec.Result;
import io.rebound.config.ChannelOptions;
import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamPosition;
import io.rebound.engine.FanoutMessage;
import io.rebound.recovery.Continuity;
import io.vertx.core.Future;
import java.util.List;

/**
 * Offline user sync (docs/EXTENSIONS.md) for one subscription. The subscribe starts from the user's
 * stored position, or from the oldest kept publication when none is stored, and the first batch goes
 * out in the subscribe result like a recovery ({@link #firstBatch}). A longer backlog is then
 * redelivered by an instance of this class: {@code sync_batch_size} publications read from history
 * every {@code sync_interval}, so a large backlog neither floods the client nor holds the whole
 * backlog in memory. Live publications wait in the subscription's buffer meanwhile; once a read comes
 * back short (the backlog is done), they are released behind it, deduplicated by offset. Buffering
 * began before the first read, so nothing falls between history and the live stream; if the buffer
 * had to give up (too many live publications during a long sync), it restarts and one more read
 * closes the distance. Event-loop confined.
 */
final class UserSync {

  /** Consecutive failed reads (engine unreachable) before continuity is declared lost. */
  private static final int MAX_FAILURES = 10;

  private final SessionContext session;
  private final SessionHandlers edge;
  private final Subscription sub;
  private final ChannelOptions options;
  private long timer = -1;
  private int failures;

  UserSync(SessionContext session, SessionHandlers edge, Subscription sub) {
    this.session = session;
    this.edge = edge;
    this.sub = sub;
    this.options = sub.options();
  }

  /**
   * Reads the user's stored position and the first batch after it; completes with the subscribe
   * result. A stored position in another epoch, or already trimmed, is not recoverable: the
   * subscription starts at the top and the result says so ({@code recovered} absent).
   */
  static Future<Result.Subscribe> firstBatch(SessionContext session, EdgeServices services, Subscription sub) {
    ChannelOptions opts = sub.options();
    int batch = opts.syncBatchSize();
    return services.syncPosition(sub.name(), session.user()).compose(stored ->
        services.history(sub.name(), new HistoryQuery(stored, batch, false), opts.streamOptions()).map(r -> {
          StreamPosition top = r.top();
          List<Publication> pubs = r.publications();
          if (stored != null && !Continuity.checkStart(stored, r).continuous()) {
            // The stored position is in another epoch or already trimmed: say so, start at the top.
            sub.attach(top);
            return new Result.Subscribe(true, true, top.epoch(), top.offset(), true, false, List.of(), null, null);
          }
          long start = stored != null ? stored.offset() : pubs.isEmpty() ? top.offset() : pubs.get(0).offset() - 1;
          long delivered = pubs.isEmpty() ? start : pubs.get(pubs.size() - 1).offset();
          sub.attach(new StreamPosition(delivered, top.epoch()), top);
          sub.expectBacklog(pubs.size() >= batch);
          services.metrics().delivered(pubs.size());
          return new Result.Subscribe(true, true, top.epoch(), start, true, true, pubs, null, null);
        }));
  }

  void start() {
    schedule(options.syncInterval().toMillis());
  }

  void cancel() {
    if (timer >= 0) edge.services.vertx().cancelTimer(timer);
    timer = -1;
  }

  private void schedule(long delayMs) {
    timer = edge.services.vertx().setTimer(Math.max(1, delayMs), id -> {
      timer = -1;
      next();
    });
  }

  private boolean current() {
    return sub.pacedBy(this) && session.active() && session.subscription(sub.name()) == sub;
  }

  private void next() {
    if (!current()) return;
    int batch = options.syncBatchSize();
    StreamPosition from = sub.position();
    edge.services.history(sub.name(), HistoryQuery.since(from, batch), options.streamOptions()).onComplete(ar -> {
      if (!current()) return;
      if (ar.failed()) {
        if (++failures > MAX_FAILURES) lost();
        else schedule(Math.max(1000, options.syncInterval().toMillis()));
        return;
      }
      failures = 0;
      HistoryResult r = ar.result();
      List<Publication> pubs = r.publications();
      if (!Continuity.checkStart(from, r).continuous()) {
        lost(); // the backlog expired or the stream was reset while we were pacing
        return;
      }
      for (Publication p : pubs) {
        edge.continuity.deliver(session, sub, FanoutMessage.publication(sub.name(), p, from.epoch()));
      }
      edge.services.metrics().delivered(pubs.size());
      session.probePing();
      if (pubs.size() < batch) {
        if (!sub.restartBufferingIfOverflowed()) {
          sub.endSync();
          edge.subscriptions.releaseBuffered(session, sub);
          return;
        }
      }
      schedule(options.syncInterval().toMillis());
    });
  }

  private void lost() {
    sub.endSync();
    sub.discardBuffered();
    edge.continuity.insufficientState(session, sub.name());
  }
}
