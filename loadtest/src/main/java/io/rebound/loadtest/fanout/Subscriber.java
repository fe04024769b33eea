package io.rebound.loadtest.fanout;

import io.rebound.loadtest.common.BenchClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One benchmark WebSocket connection: connect + subscribe in one frame, answer pings, and account every
 * publication (seq bitmap for loss/duplicates, stream offset for ordering). Confined to its shard's event loop.
 */
final class Subscriber implements FrameScanner.Listener {

  private final SubscriberShard shard;
  private final String name;
  private final Promise<Void> ready = Promise.promise();
  private ClientWebSocket ws;
  private boolean pong;
  private boolean connected;
  private boolean subscribed;
  private boolean closed;
  private long[] seen = new long[0];
  private long lastOffset = -1;

  Subscriber(SubscriberShard shard, String name) {
    this.shard = shard;
    this.name = name;
  }

  /** Opens the connection; completes once both the connect and the subscribe reply arrived without error. */
  Future<Void> open(ClientWebSocket socket, WebSocketConnectOptions target, String token, String channel, int timeoutSeconds) {
    ws = socket;
    ws.textMessageHandler(frame -> FrameScanner.scan(frame, this));
    ws.closeHandler(v -> onClose());
    ws.exceptionHandler(e -> ready.tryFail(new IllegalStateException(name + ": " + e.getMessage(), e)));
    String handshake = "{\"id\":1,\"connect\":{\"token\":" + Json.encode(token) + "}}\n"
        + "{\"id\":2,\"subscribe\":{\"channel\":" + Json.encode(channel) + "}}";
    ws.connect(target)
        .compose(w -> w.writeTextMessage(handshake))
        .onFailure(e -> ready.tryFail(new IllegalStateException(name + ": cannot connect to "
            + target.getHost() + ":" + target.getPort() + target.getURI() + ": " + e.getMessage(), e)));
    return ready.future().timeout(timeoutSeconds, TimeUnit.SECONDS)
        .recover(e -> Future.failedFuture(e instanceof IllegalStateException ? e
            : new IllegalStateException(name + ": no connect/subscribe reply within " + timeoutSeconds + "s", e)));
  }

  /** Prepares the seq bitmap for {@code spec}. */
  void reset(RunSpec spec) {
    int words = (spec.publications() + 63) >>> 6;
    if (seen.length != words) seen = new long[words];
    else Arrays.fill(seen, 0);
    lastOffset = -1;
  }

  Future<Void> close() {
    closed = true;
    return ws == null ? Future.succeededFuture() : ws.close().recover(e -> Future.succeededFuture());
  }

  @Override
  public void onPing() {
    if (pong) ws.writeTextMessage("{}");
  }

  @Override
  public void onPublication(long seq, long t, long offset) {
    RunSpec run = shard.currentRun();
    DeliveryStats stats = shard.stats();
    if (run == null || seq == FrameScanner.NO_VALUE || seq < run.seqBase() || seq >= run.seqBase() + run.publications()) {
      stats.stray++;
      return;
    }
    long now = BenchClock.nowMicros();
    int i = (int) (seq - run.seqBase());
    long bit = 1L << i;
    if ((seen[i >>> 6] & bit) != 0) {
      stats.duplicates++;
      return;
    }
    seen[i >>> 6] |= bit;
    if (offset != FrameScanner.NO_VALUE) {
      if (offset < lastOffset) stats.outOfOrder++;
      else lastOffset = offset;
    }
    shard.accepted(now, t);
  }

  @Override
  public void onOtherPush(String line) {
    shard.warnOnce(name + ": unexpected push " + line);
  }

  @Override
  public void onReply(String line) {
    JsonObject reply;
    try {
      reply = new JsonObject(line);
    } catch (DecodeException e) {
      fail("unparseable line " + line);
      return;
    }
    if (reply.containsKey("error")) {
      fail((reply.getInteger("id", 0) == 1 ? "connect" : "reply") + " error " + line);
      return;
    }
    int id = reply.getInteger("id", 0);
    if (id == 1) {
      JsonObject result = reply.getJsonObject("connect");
      pong = result != null && result.getBoolean("pong", false);
      connected = true;
    } else if (id == 2) {
      subscribed = true;
    }
    if (connected && subscribed) ready.tryComplete();
  }

  private void onClose() {
    if (closed) return;
    closed = true;
    String why = "closed by server (code " + ws.closeStatusCode() + ", reason \"" + ws.closeReason() + "\")";
    if (ready.tryFail(new IllegalStateException(name + ": " + why + " before subscribing"))) return;
    shard.stats().disconnects++;
    shard.warnOnce(name + ": " + why);
  }

  private void fail(String message) {
    if (!ready.tryFail(new IllegalStateException(name + ": " + message))) shard.warnOnce(name + ": " + message);
  }
}
