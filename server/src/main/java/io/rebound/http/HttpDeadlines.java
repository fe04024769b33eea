package io.rebound.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.rebound.config.HttpOptions;
import io.rebound.core.LogSafe;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deadlines of one HTTP/1 connection until it becomes a WebSocket (README, "Limits"): its first
 * request must arrive whole within {@code http_header_timeout}, a request's body within {@code
 * http_body_timeout} of its headers, and the next request on a kept-alive connection within {@code
 * http_keep_alive_timeout} of the last response; a connection that misses one is closed. While it
 * waits for a request it is one of its event loop's {@link PendingSockets}. The WebSocket upgrade (the
 * 101 response) ends all of it: the handler leaves the pipeline, and open WebSockets are watched by
 * the pings and {@code http_idle_timeout} instead.
 *
 * <p>A Netty handler just in front of Vert.x's connection handler: it sees the decoded request heads
 * and ends ({@link HttpRequest}, {@link LastHttpContent}) and the response ends going out, which no
 * Vert.x API offers for every request of a connection. Confined to the connection's event loop.
 */
public final class HttpDeadlines extends ChannelDuplexHandler implements PendingSockets.Waiter {

  private static final Logger LOG = LoggerFactory.getLogger(HttpDeadlines.class);
  private static final String NAME = "rebound-deadlines";
  private static volatile boolean warned; // one line, not one per connection

  private final HttpOptions options;
  private final PendingSockets pending;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  private int unanswered;        // requests whose head arrived and whose response has not ended
  private boolean readingBody;   // a request head arrived, its last content not yet

  private HttpDeadlines(HttpOptions options, PendingSockets pending) {
    this.options = options;
    this.pending = pending;
  }

  /**
   * Watches {@code conn}, a connection just accepted on the calling event loop (an HTTP server's
   * connection handler). Returns false, and watches nothing, when it is not an HTTP/1 connection
   * of the shape this needs.
   */
  public static boolean install(HttpConnection conn, HttpOptions options, PendingSockets pending) {
    ChannelHandlerContext handler = conn instanceof ConnectionBase base ? base.channelHandlerContext() : null;
    if (handler == null) {
      if (!warned) {
        warned = true;
        LOG.warn("event=http_deadlines_unavailable connection={} (no header, body or keep-alive deadlines)", conn.getClass().getName());
      }
      return false;
    }
    if (handler.pipeline().get(NAME) != null) return false;
    handler.pipeline().addBefore(handler.name(), NAME, new HttpDeadlines(options, pending));
    return true;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    waitForRequest(options.headerTimeout(), "header");
    pending.evictOverCap(this);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      unanswered++;
      pending.leave(this);
      readingBody = !(msg instanceof LastHttpContent);
      arm(readingBody ? options.bodyTimeout() : Duration.ZERO, "body");
    } else if (msg instanceof LastHttpContent && readingBody) {
      readingBody = false;
      // A handler may answer on the head alone (before the empty last content is read): then the
      // connection waits for its next request from here.
      if (unanswered == 0) waitForRequest(options.keepAliveTimeout(), "keep_alive");
      else cancel();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse r && r.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
      ctx.write(msg, promise);
      upgraded();
      return;
    }
    boolean informational = msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    if (!informational && msg instanceof LastHttpContent && unanswered > 0 && --unanswered == 0 && !readingBody) {
      waitForRequest(options.keepAliveTimeout(), "keep_alive");
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    pending.leave(this);
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
    pending.leave(this);
  }

  /** Closes the connection: it waited too long, or newer sockets need its place. */
  @Override
  public void close(String why) {
    LOG.debug("event=http_connection_closed reason={} remote={}", why, LogSafe.value(ctx.channel().remoteAddress()));
    cancel();
    ctx.close();
  }

  private void waitForRequest(Duration timeout, String which) {
    pending.enter(this);
    arm(timeout, which);
  }

  private void upgraded() {
    cancel();
    pending.leave(this);
    ctx.pipeline().remove(this);
  }

  private void arm(Duration timeout, String which) {
    cancel();
    if (timeout.isZero()) return;
    timer = ctx.executor().schedule(() -> close(which + "_timeout"), timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
