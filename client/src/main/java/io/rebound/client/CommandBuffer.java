package io.rebound.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The client-side recovery buffer (EXTENSIONS.md §2): every command from the moment it is created (sent, or waiting
 * for the connection) until its reply arrives, in id order. Ids increase strictly for the whole life of the client
 * (id 1 is reserved for {@code connect}), so they also increase within every session. Confined to the client's context.
 */
final class CommandBuffer {

  /** The id of every connect command; other commands start at 2. */
  static final long CONNECT_ID = 1;

  private final int capacity;
  private final LinkedHashMap<Long, PendingCommand> byId = new LinkedHashMap<>();
  private long nextId = CONNECT_ID + 1;

  CommandBuffer(int capacity) {
    this.capacity = capacity;
  }

  int size() {
    return byId.size();
  }

  int capacity() {
    return capacity;
  }

  /** Whether an application command must be refused ({@link RecoveryBufferFullException}). */
  boolean full() {
    return byId.size() >= capacity;
  }

  PendingCommand add(String method, ObjectNode params, PendingCommand.Kind kind, PendingCommand.Callback callback) {
    PendingCommand c = new PendingCommand(nextId++, method, params, kind, callback);
    byId.put(c.id, c);
    return c;
  }

  /** Removes and returns the command answered by a reply with {@code id} (null when unknown). */
  PendingCommand remove(long id) {
    return byId.remove(id);
  }

  void remove(PendingCommand c) {
    byId.remove(c.id, c);
  }

  /** Every command, in id order (a copy). */
  List<PendingCommand> all() {
    return new ArrayList<>(byId.values());
  }

  /** The oldest command written to the current connection and still unanswered, or null. */
  PendingCommand oldestSent() {
    for (PendingCommand c : byId.values()) if (c.sent()) return c;
    return null;
  }

  /** Gives {@code c} a new id (the next one): a command resent on a new session comes after everything sent there. */
  void renumber(PendingCommand c) {
    byId.remove(c.id, c);
    c.id = nextId++;
    byId.put(c.id, c);
  }

  /** Marks every command as not written to any connection (the connection is gone). */
  void unsendAll() {
    for (PendingCommand c : byId.values()) c.sentAtNanos = 0;
  }

  /** Removes every command and returns them, in id order. */
  List<PendingCommand> drain() {
    List<PendingCommand> all = new ArrayList<>(byId.values());
    byId.clear();
    return all;
  }
}
