package io.rebound.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes immutable objects between verticles of one node without copying or serialising them. Only
 * for node-local addresses ({@code localConsumer}); putting such a message on the wire is a bug, so
 * {@link #encodeToWire} refuses loudly.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {

  private final String name;

  private LocalCodec(Class<T> type) {
    this.name = "local:" + type.getName();
  }

  /** Makes {@code type} the default codec class for this Vert.x instance; safe to call again. */
  public static <T> void register(Vertx vertx, Class<T> type) {
    try {
      vertx.eventBus().registerDefaultCodec(type, new LocalCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // registered by another verticle of the same Vert.x instance
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, T t) {
    throw new IllegalStateException(name + " is node-local and cannot cross the cluster");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new IllegalStateException(name + " is node-local and cannot cross the cluster");
  }

  @Override
  public T transform(T t) {
    return t;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
