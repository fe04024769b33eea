package io.rebound.proxy;

import java.util.List;
import java.util.Map;

/**
 * What the backend granted, one record per hook, read from the {@code result} object as Centrifugo
 * v5 documents it. JSON members ({@code info}, {@code data}, {@code meta}) are kept as compact JSON
 * text, null when absent; times are Unix seconds, 0 meaning never.
 */
public final class Grants {

  private Grants() {}

  /**
   * Connect: who the connection is and what comes with it.
   *
   * @param channels server-side subscriptions: {@code channels}, then the keys of {@code subs}, without duplicates
   * @param subs per-channel {@code info} / {@code data} of {@code subs}
   * @param meta kept on the connection, never shown to the client
   */
  public record Connect(String user, long expireAt, String info, String data, List<String> channels, Map<String, Sub> subs, String meta) {}

  /** The options of one server-side channel of a connect result. */
  public record Sub(String info, String data) {}

  /** Subscribe: the channel info of this subscriber, data for the subscribe reply, when it expires. */
  public record Subscribe(String info, String data, long expireAt) {}

  /** Publish: the data to publish instead of the client's (null: the client's), and whether history is skipped. */
  public record Publish(String data, boolean skipHistory) {}

  /** Refresh and sub_refresh: expired now, or the new expiry (0 = never), and new info (null: unchanged). */
  public record Refresh(boolean expired, long expireAt, String info) {}

  /** RPC: the answer's data (compact JSON; null when none). */
  public record Rpc(String data) {}
}
