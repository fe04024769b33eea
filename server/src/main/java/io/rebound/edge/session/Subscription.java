package io.rebound.edge.session;

import io.rebound.channel.ChannelName;
import io.rebound.config.ChannelOptions;
import io.rebound.core.ClientInfo;
import io.rebound.core.StreamPosition;
import io.rebound.engine.FanoutMessage;
import io.rebound.recovery.StreamCursor;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection's subscription to one channel, and the transitions of its delivery:
 *
 * <pre>
 *   SUBSCRIBING ──goLive()──▶ SUBSCRIBED ──reattach()──▶ SUBSCRIBING (discontinuity mode)
 *   (live publications are {@link #buffer buffered} while SUBSCRIBING, and while an offline
 *    backlog is being paced by {@link UserSync})
 * </pre>
 *
 * While the subscribe reply is being prepared (recovery read in flight) live publications are
 * buffered here and merged after the replayed ones, deduplicated by offset — the way a subscriber
 * never misses what is published during its own recovery. A positioned subscription keeps a {@link
 * StreamCursor}: {@link #accept} says whether an arriving publication is the next one, a duplicate,
 * or proof that continuity is lost. Event-loop confined, like its session.
 */
final class Subscription {

  /** Live publications buffered during a subscribe beyond this mean the subscribe cannot keep up. */
  static final int MAX_BUFFERED = 4096;

  /** What {@link #accept} decided for a publication. */
  enum Arrival {
    /** Write it: the next publication (the cursor moved), or one of a stream without positions. */
    DELIVER,
    /** Already delivered: drop it. */
    DUPLICATE,
    /** A gap or another epoch: continuity is lost. */
    DISCONTINUOUS
  }

  /** What {@link #goLive} releases: the buffered publications, unless the buffer overflowed. */
  record Backlog(List<FanoutMessage> buffered, boolean overflowed) {}

  private final ChannelName channel;
  private final boolean serverSide;
  private final boolean positioned;
  private final boolean recoverable;
  private final boolean pushJoinLeave;
  private final boolean userSync;
  private final ClientInfo info;
  private final StreamCursor cursor = new StreamCursor("", 0);
  private boolean live;
  private long expiresAt; // epoch seconds, 0 = never
  private boolean refreshedByBackend;
  private List<FanoutMessage> buffered;
  private boolean overflowed;
  /** Where this subscription was (re)established: the upper bound of {@code history until_attach}. */
  private StreamPosition attached = StreamPosition.EMPTY;
  /** The offline backlog is still being redelivered: live publications wait in {@link #buffered}. */
  private boolean backlog;
  private UserSync sync;
  /** Position written before the outstanding ping; acknowledged when its pong arrives. */
  private StreamPosition atPing;
  private StreamPosition acknowledged;

  /**
   * @param userSync a user-sync channel of an authenticated user: the acknowledged position is stored
   *     (docs/EXTENSIONS.md); only for a positioned subscription
   */
  Subscription(ChannelName channel, boolean serverSide, boolean positioned, boolean recoverable, boolean pushJoinLeave, boolean userSync,
      ClientInfo info) {
    this.channel = channel;
    this.serverSide = serverSide;
    this.positioned = positioned;
    this.recoverable = recoverable;
    this.pushJoinLeave = pushJoinLeave;
    this.userSync = positioned && userSync;
    this.info = info;
  }

  String name() { return channel.channel(); }
  ChannelName channel() { return channel; }
  ChannelOptions options() { return channel.options(); }
  boolean serverSide() { return serverSide; }
  boolean positioned() { return positioned; }
  boolean recoverable() { return recoverable; }
  boolean pushJoinLeave() { return pushJoinLeave; }
  boolean userSync() { return userSync; }
  ClientInfo info() { return info; }

  /** SUBSCRIBED: live publications are delivered (unless a backlog is still being paced). */
  boolean live() {
    return live;
  }

  /** Live publications must wait: the subscribe is in flight, or an offline backlog is being paced. */
  boolean buffering() {
    return !live || backlog;
  }

  // ---- delivery --------------------------------------------------------------------------------

  /** Keeps a live publication for {@link #goLive}; past {@link #MAX_BUFFERED} the buffer overflows. */
  void buffer(FanoutMessage msg) {
    if (buffered == null) buffered = new ArrayList<>();
    if (buffered.size() >= MAX_BUFFERED) overflowed = true;
    else buffered.add(msg);
  }

  /** Whether {@code msg} is the next publication for this subscription; moves the cursor when it is. */
  Arrival accept(FanoutMessage msg) {
    if (msg.offset() <= 0 || !positioned) return Arrival.DELIVER; // not stored, or the client keeps no position
    return switch (cursor.accept(msg.offset(), msg.epoch())) {
      case NEXT -> Arrival.DELIVER;
      case DUPLICATE -> Arrival.DUPLICATE;
      case GAP, EPOCH -> Arrival.DISCONTINUOUS;
    };
  }

  /** The position of the last publication delivered (or the attach point). */
  StreamPosition position() {
    return new StreamPosition(cursor.offset(), cursor.epoch());
  }

  /** Delivery continues after {@code at}, and the subscription counts as (re)established there. */
  void attach(StreamPosition at) {
    attach(at, at);
  }

  /** Delivery continues after {@code cursorAt}; the subscription counts as established at {@code attachAt}. */
  void attach(StreamPosition cursorAt, StreamPosition attachAt) {
    cursor.moveTo(cursorAt.epoch(), cursorAt.offset());
    attached = attachAt;
  }

  /** Where the subscription was last (re)established (the bound of {@code history until_attach}). */
  StreamPosition attached() {
    return attached;
  }

  /** SUBSCRIBING → SUBSCRIBED: returns what was buffered meanwhile, to be delivered behind the replay. */
  Backlog goLive() {
    live = true;
    Backlog out = new Backlog(buffered == null ? List.of() : buffered, overflowed);
    buffered = null;
    overflowed = false;
    return out;
  }

  /**
   * SUBSCRIBED → SUBSCRIBING again (discontinuity mode): live publications are buffered from now on
   * while the stream's top is read; returns the position continuity was lost after.
   */
  StreamPosition reattach() {
    live = false;
    buffered = null;
    overflowed = false;
    return position();
  }

  /** The re-attach could not read the top: SUBSCRIBED again, for the subscription to be ended. */
  void reattachFailed() {
    live = true;
  }

  // ---- offline user sync -----------------------------------------------------------------------

  /** The first sync batch was a full one: more backlog follows, paced by a {@link UserSync}. */
  void expectBacklog(boolean more) {
    backlog = more;
  }

  boolean syncing() {
    return backlog;
  }

  /** Goes live while {@code sync} paces the backlog; live publications keep waiting until {@link #endSync}. */
  void startSync(UserSync sync) {
    live = true;
    this.sync = sync;
  }

  boolean pacedBy(UserSync sync) {
    return backlog && this.sync == sync;
  }

  void endSync() {
    backlog = false;
    sync = null;
  }

  /** The live buffer overflowed during the sync: drop it and buffer afresh; the next read covers the distance. */
  boolean restartBufferingIfOverflowed() {
    if (!overflowed) return false;
    buffered = null;
    overflowed = false;
    return true;
  }

  /** Forgets the buffered live publications (continuity is being declared lost anyway). */
  void discardBuffered() {
    buffered = null;
    overflowed = false;
  }

  /** Stops any sync (the subscription is ending). */
  void cancelSync() {
    if (sync != null) sync.cancel();
    backlog = false;
  }

  // ---- acknowledgement and expiry --------------------------------------------------------------

  /** A ping is being written: remember the position written before it (user-sync subscriptions). */
  void pingSent() {
    if (userSync) atPing = position();
  }

  /** The position written before the last ping, if it was not acknowledged yet; else null. */
  StreamPosition unacknowledged() {
    if (!userSync || atPing == null || atPing.epoch().isEmpty()) return null;
    if (acknowledged != null && atPing.epoch().equals(acknowledged.epoch()) && atPing.offset() <= acknowledged.offset()) return null;
    return atPing;
  }

  void acknowledged(StreamPosition position) {
    acknowledged = position;
  }

  long expiresAt() {
    return expiresAt;
  }

  /** The expiry is renewed server-side by the sub_refresh hook, not by the client with a token. */
  void refreshedByBackend() {
    refreshedByBackend = true;
  }

  boolean isRefreshedByBackend() {
    return refreshedByBackend;
  }

  void expiresAt(long epochSeconds) {
    expiresAt = epochSeconds;
  }
}
