package io.rebound.edge;

import io.rebound.channel.ChannelName;
import io.rebound.engine.FanoutMessage;
import io.rebound.core.ClientInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection's subscription to one channel. While the subscribe reply is being prepared
 * (recovery read in flight) live publications are buffered here and merged after the replayed ones,
 * deduplicated by offset — the way a subscriber never misses what is published during its own
 * recovery.
 */
final class Subscription {

  /** Live publications buffered during a subscribe beyond this mean the subscribe cannot keep up. */
  static final int MAX_BUFFERED = 4096;

  enum State { SUBSCRIBING, SUBSCRIBED }

  final ChannelName channel;
  final boolean serverSide;
  final boolean positioned;
  final boolean recoverable;
  final boolean pushJoinLeave;
  final ClientInfo info;
  State state = State.SUBSCRIBING;
  String epoch = "";
  long offset;
  long expiresAt; // epoch seconds, 0 = never
  List<FanoutMessage> buffered;
  boolean overflowed;
  /** Where this subscription was (re)established: the upper bound of {@code history until_attach}. */
  long attachOffset;
  String attachEpoch = "";
  /** A user-sync channel of an authenticated user: the acknowledged position is stored (docs/EXTENSIONS.md). */
  boolean userSync;
  /** The offline backlog is still being redelivered: live publications wait in {@link #buffered}. */
  boolean syncing;
  UserSync sync;
  /** Position written before the outstanding ping; acknowledged when its pong arrives. */
  long pingOffset;
  String pingEpoch;
  /** Last position stored as acknowledged. */
  long ackedOffset;
  String ackedEpoch;

  Subscription(ChannelName channel, boolean serverSide, boolean positioned, boolean recoverable, boolean pushJoinLeave, ClientInfo info) {
    this.channel = channel;
    this.serverSide = serverSide;
    this.positioned = positioned;
    this.recoverable = recoverable;
    this.pushJoinLeave = pushJoinLeave;
    this.info = info;
  }

  String name() {
    return channel.channel();
  }

  void attachHere() {
    attachOffset = offset;
    attachEpoch = epoch;
  }

  void buffer(FanoutMessage msg) {
    if (buffered == null) buffered = new ArrayList<>();
    if (buffered.size() >= MAX_BUFFERED) overflowed = true;
    else buffered.add(msg);
  }
}
