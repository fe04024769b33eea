package io.rebound.engine;

import io.rebound.core.ClientInfo;
import io.vertx.core.Future;
import java.util.Map;

/**
 * Who is subscribed to a channel right now (for channels whose namespace enables {@code presence}).
 * One contract test suite ({@code PresenceStoreContractTest}) runs against every implementation.
 *
 * <p><b>Members.</b> A channel's members are client ids, each with the {@link ClientInfo} it was
 * added with. {@link #add} makes a client a member; adding it again is idempotent (still one member,
 * with the latest info). {@link #remove} ends the membership: the client is then absent from {@link
 * #get} (not present with an empty info) and not counted by {@link #stats}; removing a client that is
 * not a member, or from a channel nobody is in, succeeds and changes nothing. Channels are
 * independent: a client in several channels leaves only the one it is removed from. A channel with no
 * members reads as an empty map and stats of zero, never as a failure. There is no limit on members
 * per channel; {@link #get} returns all of them.
 *
 * <p><b>Who sees what.</b> A member is added and removed through the store of the node that holds
 * its connection. {@code MemoryPresence} answers for that node only. The clustered stores answer for
 * the whole cluster: once an add's future has completed, every node's store returns the member, and
 * once a remove's future has completed, none does. When a node dies without removing its members,
 * they disappear on their own within a bounded time: {@code HazelcastPresence} purges them when the
 * cluster drops the member (within Hazelcast's failure detection, 15 s with the packaged cluster.xml);
 * {@code RedisPresence} lets them expire ({@code RedisPresence.DEFAULT_TTL}, 30 s), because the node
 * that added them refreshes them periodically and a dead node does not.
 *
 * <p>All methods are asynchronous, may be called from any thread and never block it; futures may
 * complete on any thread (as with {@link HistoryEngine}). Calls made one after another from one
 * thread take effect in that order.
 */
public interface PresenceStore {

  /** Makes {@code info.client()} a member of {@code channel} with {@code info} (replacing an earlier info). */
  Future<Void> add(String channel, ClientInfo info);

  /** Ends {@code clientId}'s membership of {@code channel}, if any. */
  Future<Void> remove(String channel, String clientId);

  /** Client id → info of every member of {@code channel}; empty when there is none. */
  Future<Map<String, ClientInfo>> get(String channel);

  /** Members of {@code channel} and distinct users among them (clients of one user count once). */
  Future<PresenceStats> stats(String channel);

  /**
   * Releases timers and listeners. A clustered store also withdraws this node's members: Redis
   * removes them now, Hazelcast when this member leaves the cluster.
   */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  record PresenceStats(int numClients, int numUsers) {}
}
