package io.rebound.engine.redis;

import io.rebound.core.AppendResult;
import io.rebound.core.Epochs;
import io.rebound.engine.HistoryEngine;
import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.engine.PublicationCodec;
import io.rebound.core.StreamOptions;
import io.rebound.core.StreamPosition;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Channel streams in Redis: history that survives broker restarts and is shared by every node that
 * points at the same Redis. Each append and each read is one Lua script, so it is atomic per channel
 * and costs one round trip (see {@code lua/history_append.lua} and {@code lua/history_read.lua} for
 * the data layout).
 *
 * <p>Its links come from the node's shared {@link RedisConnections}: {@code redis_pool_size} of them,
 * used round-robin.
 *
 * <p>Failures: when Redis is unreachable or does not answer within the command timeout, operations
 * fail with {@link RedisUnavailableException} instead of waiting; the connections heal themselves
 * with backoff, so the same engine works again once Redis is back. A Redis that comes back without
 * its data hands out new epochs (offsets restart at 1), which clients see as {@code recovered:false}.
 *
 * <p>Thread-safe; never blocks.
 */
public final class RedisHistory implements HistoryEngine {

  private static final LuaScript APPEND = LuaScript.fromResource("history_append");
  private static final LuaScript READ = LuaScript.fromResource("history_read");

  private final RedisConnections redis;
  private final List<RedisLink> links;
  private final RedisKeys keys;
  private final AtomicInteger next = new AtomicInteger();

  private RedisHistory(RedisConnections redis, List<RedisLink> links) {
    this.redis = redis;
    this.links = links;
    this.keys = new RedisKeys(redis.keyPrefix());
  }

  /**
   * Opens {@code redis_pool_size} links of {@code redis} and loads the scripts. Fails with {@link
   * RedisUnavailableException} when Redis cannot be reached at start: a node configured for Redis
   * should not come up pretending to have history.
   */
  public static Future<RedisHistory> connect(RedisConnections redis) {
    int size = redis.options().poolSize();
    List<RedisLink> links = new ArrayList<>();
    List<Future<RedisLink>> started = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      RedisLink link = redis.link("history#" + i);
      links.add(link);
      started.add(link.start().compose(l -> APPEND.load(l)).compose(v -> READ.load(link)).map(link));
    }
    return Future.all(started)
        .<RedisHistory>map(all -> new RedisHistory(redis, List.copyOf(links)))
        .recover(e -> {
          links.forEach(RedisLink::close);
          return Future.failedFuture(redis.unavailable(e));
        });
  }

  @Override
  public Future<AppendResult> append(String channel, Publication publication, StreamOptions opts, String idempotencyKey) {
    if (!opts.enabled()) return Future.failedFuture(new IllegalArgumentException("history is disabled for " + channel));
    String[] scriptKeys = idempotencyKey == null
        ? new String[] {keys.meta(channel), keys.publications(channel)}
        : new String[] {keys.meta(channel), keys.publications(channel), keys.idempotency(channel, idempotencyKey)};
    // Bytes, not a String: the payload must reach Redis exactly as PublicationCodec wrote it.
    Buffer payload = Buffer.buffer(PublicationCodec.encode(publication));
    String candidateEpoch = Epochs.next();
    return APPEND.call(link(), scriptKeys, req -> req
            .arg(payload)
            .arg(opts.size())
            .arg(opts.ttl().toMillis())
            .arg(opts.metaTtl().toMillis())
            .arg(candidateEpoch)
            .arg(IDEMPOTENCY_WINDOW_MS))
        .map(r -> new AppendResult(new StreamPosition(r.get(0).toLong(), r.get(1).toString()), r.get(2).toInteger() == 1));
  }

  @Override
  public Future<HistoryResult> read(String channel, HistoryQuery query, StreamOptions opts) {
    if (!opts.enabled()) return Future.succeededFuture(new HistoryResult(List.of(), StreamPosition.EMPTY));
    String since = query.since() == null ? "" : Long.toString(query.since().offset());
    String candidateEpoch = Epochs.next();
    return READ.call(link(), new String[] {keys.meta(channel), keys.publications(channel)}, req -> req
            .arg(candidateEpoch)
            .arg(opts.metaTtl().toMillis())
            .arg(since)
            .arg(query.limit())
            .arg(query.reverse() ? "1" : "0"))
        .map(RedisHistory::toResult);
  }

  @Override
  public Future<Void> remove(String channel) {
    return link().send(Request.cmd(Command.DEL).arg(keys.publications(channel))).mapEmpty();
  }

  /** Closes this engine's links; the shared {@link RedisConnections} stay open. */
  @Override
  public Future<Void> close() {
    links.forEach(RedisLink::close);
    return Future.succeededFuture();
  }

  /** The address this engine talks to, without credentials. */
  public String address() {
    return redis.address();
  }

  private static HistoryResult toResult(Response r) {
    StreamPosition top = new StreamPosition(r.get(1).toLong(), r.get(0).toString());
    List<Publication> pubs = new ArrayList<>((r.size() - 2) / 2);
    for (int i = 2; i + 1 < r.size(); i += 2) {
      String id = r.get(i).toString();
      long offset = Long.parseLong(id.substring(0, id.indexOf('-')));
      pubs.add(PublicationCodec.decode(r.get(i + 1).toBytes(), offset));
    }
    return new HistoryResult(pubs, top);
  }

  /** The next connected link round-robin; a down link is skipped so one bad socket does not fail every Nth call. */
  private RedisLink link() {
    int n = links.size();
    int start = Math.floorMod(next.getAndIncrement(), n);
    for (int i = 0; i < n; i++) {
      RedisLink link = links.get((start + i) % n);
      if (link.isUp()) return link;
    }
    return links.get(start); // all down: its send() fails fast with RedisUnavailableException
  }
}
