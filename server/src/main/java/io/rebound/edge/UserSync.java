package io.rebound.edge;

import io.rebound.engine.FanoutMessage;
import io.rebound.config.ChannelOptions;
import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamPosition;
import io.rebound.codec.Pushes;
import java.util.List;

/**
 * Redelivers one subscription's offline backlog after its first batch (which went out in the
 * subscribe result): {@code sync_batch_size} publications read from history every {@code
 * sync_interval}, so a large backlog neither floods the client nor holds the whole backlog in
 * memory. Live publications wait in the subscription's buffer meanwhile; once a read comes back
 * short (the backlog is done), they are released behind it, deduplicated by offset. Buffering began
 * before the first read, so nothing falls between history and the live stream; if the buffer had to
 * give up (too many live publications during a long sync), it restarts and one more read closes the
 * distance. Event-loop confined.
 */
final class UserSync {

  /** Consecutive failed reads (engine unreachable) before continuity is declared lost. */
  private static final int MAX_FAILURES = 10;

  private final ClientSession session;
  private final Subscription sub;
  private final ChannelOptions options;
  private long timer = -1;
  private int failures;

  UserSync(ClientSession session, Subscription sub) {
    this.session = session;
    this.sub = sub;
    this.options = sub.channel.options();
  }

  void start() {
    schedule(options.syncInterval().toMillis());
  }

  void cancel() {
    if (timer >= 0) session.services().vertx().cancelTimer(timer);
    timer = -1;
  }

  private void schedule(long delayMs) {
    timer = session.services().vertx().setTimer(Math.max(1, delayMs), id -> {
      timer = -1;
      next();
    });
  }

  private boolean current() {
    return sub.syncing && sub.sync == this && session.active() && session.subs != null && session.subs.get(sub.name()) == sub;
  }

  private void next() {
    if (!current()) return;
    int batch = options.syncBatchSize();
    HistoryQuery query = HistoryQuery.since(new StreamPosition(sub.offset, sub.epoch), batch);
    session.services().history(sub.name(), query, options.streamOptions()).onComplete(ar -> {
      if (!current()) return;
      if (ar.failed()) {
        if (++failures > MAX_FAILURES) lost();
        else schedule(Math.max(1000, options.syncInterval().toMillis()));
        return;
      }
      failures = 0;
      HistoryResult r = ar.result();
      List<Publication> pubs = r.publications();
      boolean trimmed = pubs.isEmpty() ? r.top().offset() > sub.offset : pubs.get(0).offset() != sub.offset + 1;
      if (!r.top().epoch().equals(sub.epoch) || trimmed) {
        lost(); // the backlog expired or the stream was reset while we were pacing
        return;
      }
      for (Publication p : pubs) {
        session.deliver(sub, new FanoutMessage(FanoutMessage.Kind.PUBLICATION, sub.name(), p.offset(), sub.epoch, Pushes.publication(sub.name(), p)));
      }
      session.services().metrics().delivered(pubs.size());
      session.probePing();
      if (pubs.size() < batch) {
        if (!sub.overflowed) {
          finish();
          session.subscribeCommands().releaseBuffered(sub);
          return;
        }
        sub.buffered = null; // buffering restarts now; the next read covers everything before it
        sub.overflowed = false;
      }
      schedule(options.syncInterval().toMillis());
    });
  }

  private void finish() {
    sub.syncing = false;
    sub.sync = null;
  }

  private void lost() {
    finish();
    sub.buffered = null;
    sub.overflowed = false;
    session.insufficientState(sub.name());
  }
}
