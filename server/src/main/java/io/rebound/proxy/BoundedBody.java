package io.rebound.proxy;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * Where a backend answer's body is collected, at most {@code maxBytes} of it: a larger body fails
 * the write (and with it the call) instead of being buffered, so a backend answering garbage cannot
 * make a node hold arbitrary memory. One per call; used on the caller's event loop.
 */
final class BoundedBody implements WriteStream<Buffer> {

  private final int maxBytes;
  private final Buffer body = Buffer.buffer();

  BoundedBody(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  Buffer body() {
    return body;
  }

  @Override
  public Future<Void> write(Buffer chunk) {
    if (body.length() + chunk.length() > maxBytes) {
      return Future.failedFuture(new ProxyUnavailable(ProxyUnavailable.Kind.INVALID, "answer larger than " + maxBytes + " bytes"));
    }
    body.appendBuffer(chunk);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> end() {
    return Future.succeededFuture();
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return false;
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    return this;
  }
}
