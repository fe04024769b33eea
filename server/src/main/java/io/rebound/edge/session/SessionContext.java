package io.rebound.edge.session;

import io.rebound.codec.Push;
import io.rebound.codec.Result;
import io.rebound.config.ClientOptions;
import io.rebound.core.ClientInfo;
import io.rebound.core.StreamPosition;
import io.rebound.engine.FanoutMessage;
import io.rebound.protocol.Disconnect;
import io.rebound.protocol.ProtocolException;
import java.util.Collection;

/**
 * A session as its command handlers see it: who is connected, its subscriptions, and the ways to
 * answer — never its transport, outbound queue or state fields. Implemented by {@link
 * ClientSession}; every method is called on the session's event loop.
 */
interface SessionContext {

  /** The user ({@code ""} when anonymous). */
  String user();

  /** The connection's client id; null before connect. */
  String clientId();

  ClientInfo info();

  /** When the connection token expires, epoch seconds; 0 = never. */
  long expiresAt();

  default boolean anonymous() {
    return user().isEmpty();
  }

  /** Connect extension {@code sync} (default true): user-sync channels replay the offline backlog. */
  boolean wantsSync();

  /** Connect extension {@code discontinuity}: a lost stream is re-attached with a push instead of ended. */
  boolean wantsDiscontinuity();

  ClientOptions options();

  /** Connected, or detached awaiting resume: results and publications still count for it. */
  boolean active();

  /** This connection's publish rate and commands in flight ({@code client_publish_rate}, {@code client_commands_in_flight}). */
  CommandBudget budget();

  /** {@code client=… user=… remote=…} for log lines, every value escaped ({@code LogSafe}). */
  String describe();

  /** The subscription to {@code channel}, or null. */
  Subscription subscription(String channel);

  /** A snapshot of the subscriptions, safe to iterate while they change. */
  Collection<Subscription> subscriptions();

  int subscriptionCount();

  /** Adds {@code sub}; the edge delivers its channel's publications to this session from now on. */
  void addSubscription(Subscription sub);

  /** Removes {@code sub} (and its delivery) if it is still the channel's subscription; false otherwise. */
  boolean removeSubscription(Subscription sub);

  /*
   * The answers: encoded in the connection's wire format and written in order (numbered for the
   * resume while detached).
   */

  /**
   * A publication, join or leave: its frame in this connection's format is encoded once per message
   * and shared with every other subscriber; a publication may be dropped by an overflowing queue
   * (discontinuity mode).
   */
  void write(FanoutMessage msg);

  void push(Push push);

  void reply(long id, Result result);

  void replyError(long id, ProtocolException e);

  /**
   * The commands the client sends from now on wait (in order, bounded) until {@link
   * #releaseCommands}: a command whose authorization needs I/O (a token key being fetched) is
   * answered before the ones behind it run, as if it had been checked at once.
   */
  void holdCommands();

  /** Runs the commands that waited since {@link #holdCommands}, in order; nothing once the session closed. */
  void releaseCommands();

  /** Closes the connection and releases everything it held. */
  void close(Disconnect reason);

  /** A ping now (when pongs are on and none is pending), so a just-delivered sync batch is acknowledged soon. */
  void probePing();

  /** Stores {@code position} as the user's acknowledged position in {@code sub}'s channel. */
  void acknowledge(Subscription sub, StreamPosition position);
}
