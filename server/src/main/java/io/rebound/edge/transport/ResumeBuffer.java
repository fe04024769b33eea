package io.rebound.edge.transport;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The last messages a resumable session wrote, numbered 1, 2, 3… in write order (pings and connect
 * replies are not numbered: docs/EXTENSIONS.md). A client that comes back says how many it processed;
 * if everything after that is still here, it is written again with the same numbers. Holds
 * references to the written buffers — publication bytes are shared with every other subscriber, not
 * copied. Bounded in messages and in bytes; the oldest go first. Event-loop confined.
 */
public final class ResumeBuffer {

  private final int maxMessages;
  private final long maxBytes;
  private final Buffer ping;
  private final ArrayDeque<Buffer> messages = new ArrayDeque<>();
  private long count; // number of the newest recorded message
  private long bytes;
  private Buffer skip; // the connect reply: written, but never numbered

  /** @param ping the connection's ping message (by identity): never numbered */
  public ResumeBuffer(int maxMessages, long maxBytes, Buffer ping) {
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
    this.ping = ping;
  }

  /** The next time {@code reply} is written it is not numbered (a connect reply). */
  public void skipOnce(Buffer reply) {
    skip = reply;
  }

  /** Numbers and keeps one written message; pings and the connect reply are not numbered. */
  public void record(Buffer message) {
    if (message == ping) return;
    if (message == skip) {
      skip = null;
      return;
    }
    messages.addLast(message);
    bytes += message.length();
    count++;
    while (messages.size() > maxMessages || (bytes > maxBytes && messages.size() > 1)) {
      bytes -= messages.removeFirst().length();
    }
  }

  /** Number of the newest recorded message (0 before the first). */
  public long count() {
    return count;
  }

  /** Whether a client that processed {@code received} messages can be brought up to date from here. */
  public boolean covers(long received) {
    return received >= 0 && received <= count && received >= count - messages.size();
  }

  /**
   * Removes and returns the messages after {@code received}, in order, so that writing them again
   * records them again under the same numbers. Only valid when {@link #covers} holds.
   */
  public List<Buffer> takeAfter(long received) {
    int keep = messages.size() - (int) (count - received);
    List<Buffer> out = new ArrayList<>((int) (count - received));
    Iterator<Buffer> it = messages.iterator();
    for (int i = 0; it.hasNext(); i++) {
      Buffer b = it.next();
      if (i >= keep) out.add(b);
    }
    for (int i = 0; i < out.size(); i++) bytes -= messages.removeLast().length();
    count = received;
    return out;
  }
}
