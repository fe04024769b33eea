package io.rebound.engine.redis;

import io.rebound.core.ClientInfo;
import io.rebound.engine.ClientInfoCodec;
import io.rebound.engine.PresenceStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Cluster-wide presence in Redis, for {@code engine: redis}: every node that shares the Redis sees
 * every member, and the members of a node that died disappear by themselves.
 *
 * <p><b>Layout.</b> Per channel a hash {@code <prefix>:presence:{ch}} (client id → {@link
 * ClientInfoCodec} bytes) and a sorted set {@code <prefix>:presence-expiry:{ch}} (client id → when it
 * expires, on Redis' clock). Each operation is one Lua script, atomic, one round trip ({@code
 * lua/presence_add.lua}, {@code presence_remove.lua}, {@code presence_get.lua}); a read first drops
 * the members whose time ran out, so no answer contains one.
 *
 * <p><b>Expiry and refresh.</b> A member expires {@code ttl} after it was last written. This store
 * remembers the members it added (the members of this node's connections) and writes them again every
 * {@code ttl / 3}, in batches with a bounded number of calls in flight, so the edge needs no change
 * and a live node's members survive up to about two missed refreshes (a Redis outage of about {@code
 * 2 ttl / 3}). A node that dies stops refreshing: its members are gone from every answer at most
 * {@code ttl} after its last refresh, i.e. within {@code ttl} of its death. A Redis that lost its data
 * gets this node's members back at the next refresh. {@link #close()} removes this node's members at
 * once.
 *
 * <p><b>Order.</b> A refresh must never write back a member that was removed after the refresh read
 * the local members. So every operation runs on this store's own context: the local members are read
 * and changed there, and every command goes out from there, in order, through one {@link
 * CommandWindow} (at most {@link #MAX_IN_FLIGHT} awaiting replies) over one link, whose connections
 * load the scripts before use — no NOSCRIPT retry can resend a command behind later ones. Commands
 * reach Redis in the order the operations were made.
 *
 * <p>Memory: the local members, i.e. one small entry per presence subscription of this node.
 * Thread-safe (everything hops to the store's context); never blocks.
 */
public final class RedisPresence implements PresenceStore {

  /** How long a member outlives its last refresh; a dead node's members are gone within this. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);
  /** Members per script call: their ids are unpacked onto Lua's stack, which holds a few thousand. */
  static final int MEMBERS_PER_CALL = 250;
  /** Script calls a refresh (or the final removal) keeps in flight at once, so its batches are read fresh. */
  static final int CALLS_IN_FLIGHT = 16;
  /** Commands of this store awaiting their replies at once; more wait, in order, in the {@link CommandWindow}. */
  static final int MAX_IN_FLIGHT = 128;

  private static final System.Logger LOG = System.getLogger(RedisPresence.class.getName());
  private static final LuaScript ADD = LuaScript.fromResource("presence_add");
  private static final LuaScript REMOVE = LuaScript.fromResource("presence_remove");
  private static final LuaScript GET = LuaScript.fromResource("presence_get");

  private final RedisLink link;
  private final RedisKeys keys;
  private final long ttlMs;
  private final Context context;
  private final CommandWindow window;
  /** Channel → client id → encoded info of the members this node added. Confined to {@link #context}. */
  private final Map<String, Map<String, Buffer>> local = new HashMap<>();
  private final long refreshTimer;
  private boolean refreshing;
  private boolean reloading;
  private boolean closed;

  private RedisPresence(RedisConnections redis, RedisLink link, Duration ttl) {
    this.link = link;
    this.keys = new RedisKeys(redis.keyPrefix());
    this.ttlMs = ttl.toMillis();
    this.context = redis.vertx().getOrCreateContext();
    this.window = new CommandWindow(context, MAX_IN_FLIGHT);
    long every = Math.max(1, ttlMs / 3);
    this.refreshTimer = redis.vertx().setPeriodic(every, every, t -> context.runOnContext(v -> refresh()));
  }

  /**
   * Opens this store's link of {@code redis}. Fails with {@link RedisUnavailableException} when Redis
   * cannot be reached now. Start it outside verticles (as {@code Engines} does): its refresh timer
   * must not belong to a deployment whose undeploy would cancel it.
   *
   * @param ttl how long a member outlives its last refresh ({@link #DEFAULT_TTL}); refreshes run every ttl/3
   */
  public static Future<RedisPresence> start(RedisConnections redis, Duration ttl) {
    if (ttl.toMillis() < 3) throw new IllegalArgumentException("presence ttl must be at least 3 ms: " + ttl);
    // The scripts are loaded on every connection before it is used, so a call never needs the
    // NOSCRIPT retry that could resend it behind later commands.
    RedisLink link = redis.link("presence", conn -> ADD.load(conn).compose(v -> REMOVE.load(conn)).compose(v -> GET.load(conn)));
    return link.start()
        .map(l -> new RedisPresence(redis, link, ttl))
        .recover(e -> {
          link.close();
          return Future.failedFuture(redis.unavailable(e));
        });
  }

  @Override
  public Future<Void> add(String channel, ClientInfo info) {
    Buffer encoded = Buffer.buffer(ClientInfoCodec.encode(info));
    return onContext(() -> {
      if (closed) return Future.<Void>failedFuture(new IllegalStateException("presence store closed"));
      local.computeIfAbsent(channel, c -> new LinkedHashMap<>()).put(info.client(), encoded);
      return call(ADD, channel, req -> req.arg(ttlMs).arg(info.client()).arg(encoded)).mapEmpty();
    });
  }

  @Override
  public Future<Void> remove(String channel, String clientId) {
    return onContext(() -> {
      Map<String, Buffer> members = local.get(channel);
      if (members != null && members.remove(clientId) != null && members.isEmpty()) local.remove(channel);
      return call(REMOVE, channel, req -> req.arg(clientId)).mapEmpty();
    });
  }

  @Override
  public Future<Map<String, ClientInfo>> get(String channel) {
    return onContext(() -> call(GET, channel, req -> req)).map(RedisPresence::members);
  }

  @Override
  public Future<PresenceStats> stats(String channel) {
    return get(channel).map(members -> {
      Set<String> users = new HashSet<>();
      for (ClientInfo info : members.values()) users.add(info.user());
      return new PresenceStats(members.size(), users.size());
    });
  }

  /** Stops refreshing and removes this node's members from Redis (failures leave them to expire), then closes the link. */
  @Override
  public Future<Void> close() {
    return onContext(() -> {
      if (closed) return Future.<Void>succeededFuture();
      closed = true;
      context.owner().cancelTimer(refreshTimer);
      return forEachLocalBatch(REMOVE, false).onComplete(ar -> {
        local.clear();
        link.close();
      });
    });
  }

  /** Channels this node has members in (for tests). */
  Future<Integer> localChannels() {
    return onContext(() -> Future.succeededFuture(local.size()));
  }

  /** Writes every local member again (one pass; a tick that finds the last pass still running skips). */
  Future<Void> refresh() {
    return onContext(() -> {
      if (refreshing || closed || local.isEmpty()) return Future.<Void>succeededFuture();
      refreshing = true;
      return forEachLocalBatch(ADD, true).onComplete(ar -> refreshing = false);
    });
  }

  /**
   * Runs {@code script} for every local member, {@link #MEMBERS_PER_CALL} per call and at most {@link
   * #CALLS_IN_FLIGHT} calls at a time; completes when every call has.
   */
  private Future<Void> forEachLocalBatch(LuaScript script, boolean withInfo) {
    BatchPass pass = new BatchPass(script, withInfo);
    pass.pump();
    return pass.done.future();
  }

  /**
   * One pass over the local members, confined to the store's context. A channel's members are read
   * when its calls are sent, so a member removed meanwhile is not written back. Failures are logged
   * once per pass (the link itself logs Redis going down and coming back); expiry does the rest.
   */
  private final class BatchPass {
    final LuaScript script;
    final boolean withInfo;
    final ArrayDeque<String> channels = new ArrayDeque<>(local.keySet());
    final Promise<Void> done = Promise.promise();
    int inFlight;
    boolean reported;

    BatchPass(LuaScript script, boolean withInfo) {
      this.script = script;
      this.withInfo = withInfo;
    }

    void pump() {
      while (inFlight < CALLS_IN_FLIGHT && !channels.isEmpty()) {
        String channel = channels.poll();
        Map<String, Buffer> members = local.get(channel);
        if (members == null) continue;
        List<Map.Entry<String, Buffer>> batch = new ArrayList<>(Math.min(members.size(), MEMBERS_PER_CALL));
        for (Map.Entry<String, Buffer> member : members.entrySet()) {
          batch.add(member);
          if (batch.size() == MEMBERS_PER_CALL) {
            send(channel, batch);
            batch = new ArrayList<>();
          }
        }
        if (!batch.isEmpty()) send(channel, batch);
      }
      if (inFlight == 0 && channels.isEmpty()) done.tryComplete();
    }

    void send(String channel, List<Map.Entry<String, Buffer>> batch) {
      inFlight++;
      call(script, channel, req -> {
        if (withInfo) req.arg(ttlMs);
        for (Map.Entry<String, Buffer> member : batch) {
          req.arg(member.getKey());
          if (withInfo) req.arg(member.getValue());
        }
        return req;
      }).onComplete(ar -> {
        inFlight--;
        if (ar.failed() && !reported) {
          reported = true;
          LOG.log(System.Logger.Level.DEBUG, "presence {0} of local members failed: {1}",
              withInfo ? "refresh" : "removal", ar.cause().getMessage());
        }
        pump();
      });
    }
  }

  /** Runs {@code script} on {@code channel}'s keys through the window; on the context, replies too. */
  private Future<Response> call(LuaScript script, String channel, UnaryOperator<Request> args) {
    String[] channelKeys = {keys.presenceMembers(channel), keys.presenceExpiry(channel)};
    return window.submit(() -> script.callOnce(link, channelKeys, args)).onFailure(this::reloadAfterScriptFlush);
  }

  /**
   * After a SCRIPT FLUSH the server forgot the scripts the connection loaded: load them again, in
   * line with the other commands. The calls that failed are not resent (that could reorder them);
   * the next refresh writes this node's members again.
   */
  private void reloadAfterScriptFlush(Throwable failure) {
    if (reloading || failure.getMessage() == null || !failure.getMessage().startsWith("NOSCRIPT")) return;
    reloading = true;
    window.submit(() -> ADD.load(link).compose(v -> REMOVE.load(link)).compose(v -> GET.load(link)))
        .onComplete(ar -> reloading = false);
  }

  /** Runs {@code action} on this store's context (now, when already there) and hands its outcome back. */
  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    Runnable run = () -> {
      try {
        action.get().onComplete(promise);
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    };
    if (Vertx.currentContext() == context) run.run();
    else context.runOnContext(v -> run.run());
    return promise.future();
  }

  private static Map<String, ClientInfo> members(Response all) {
    Map<String, ClientInfo> out = new LinkedHashMap<>();
    for (int i = 0; i + 1 < all.size(); i += 2) out.put(all.get(i).toString(), ClientInfoCodec.decode(all.get(i + 1).toBytes()));
    return out;
  }
}
