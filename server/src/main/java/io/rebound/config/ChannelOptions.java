package io.rebound.config;

import io.rebound.core.StreamOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Options of the channels of one namespace (or of channels without a namespace), in the flat
 * Centrifugo v5 style. Every boolean defaults to false, every size to 0 and every duration to zero,
 * so an omitted key never grants a permission. The constructor rejects combinations that would
 * silently not work, naming the JSON key at fault.
 *
 * @param historySize {@code history_size}: the most publications kept per channel (0 = no history)
 * @param historyTtl {@code history_ttl}: how long a channel's history lives after its last publication
 * @param historyMetaTtl {@code history_meta_ttl}: how long the stream position outlives the
 *     publications; zero means "same as historyTtl"
 * @param channelRegex {@code channel_regex}: when set, the part of a channel name after the
 *     namespace must contain a match (anchor it with {@code ^...$} to match the whole name)
 * @param userSync {@code user_sync}: the server keeps each user's acknowledged position in these
 *     channels and replays what the user missed on their next subscribe (docs/EXTENSIONS.md);
 *     needs history and implies {@code force_recovery}
 * @param syncBatchSize {@code sync_batch_size}: publications per redelivery batch of a user sync
 * @param syncInterval {@code sync_interval}: pause between two redelivery batches
 * @param proxySubscribe {@code proxy_subscribe}: subscribes without a token ask the backend
 *     ({@code proxy_subscribe_endpoint}) instead of the {@code allow_subscribe_*} rules
 * @param proxyPublish {@code proxy_publish}: client publishes ask the backend ({@code
 *     proxy_publish_endpoint}) instead of the {@code allow_publish_*} rules; it may replace the data
 * @param proxySubRefresh {@code proxy_sub_refresh}: an expiring subscription is prolonged by the
 *     backend ({@code proxy_sub_refresh_endpoint}) instead of by the client
 */
public record ChannelOptions(
    int historySize,
    Duration historyTtl,
    Duration historyMetaTtl,
    boolean forceRecovery,
    boolean allowRecovery,
    boolean forcePositioning,
    boolean allowPositioning,
    boolean allowSubscribeForClient,
    boolean allowSubscribeForAnonymous,
    boolean allowPublishForClient,
    boolean allowPublishForSubscriber,
    boolean allowPublishForAnonymous,
    boolean allowHistoryForClient,
    boolean allowHistoryForSubscriber,
    boolean allowHistoryForAnonymous,
    boolean allowPresenceForClient,
    boolean allowPresenceForSubscriber,
    boolean allowPresenceForAnonymous,
    boolean allowUserLimitedChannels,
    boolean presence,
    boolean joinLeave,
    boolean forcePushJoinLeave,
    String channelRegex,
    boolean userSync,
    int syncBatchSize,
    Duration syncInterval,
    boolean proxySubscribe,
    boolean proxyPublish,
    boolean proxySubRefresh) {

  public static final int DEFAULT_SYNC_BATCH_SIZE = 100;
  public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMillis(200);

  // Patterns are compiled once per distinct regex (regexes only come from the config, so this stays
  // small); keeping the String in the record keeps equals/hashCode meaningful, which Pattern's are not.
  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  /** No history, no permissions, no presence: what a channel gets when nothing is configured. */
  public static final ChannelOptions DEFAULTS = new ChannelOptions(0, Duration.ZERO, Duration.ZERO,
      false, false, false, false, false, false, false, false, false, false, false, false, false,
      false, false, false, false, false, false, null, false, DEFAULT_SYNC_BATCH_SIZE, DEFAULT_SYNC_INTERVAL, false, false, false);

  /** The JSON keys of these options, as accepted at top level and in each namespace. */
  static final Set<String> KEYS = Set.of("history_size", "history_ttl", "history_meta_ttl",
      "force_recovery", "allow_recovery", "force_positioning", "allow_positioning",
      "allow_subscribe_for_client", "allow_subscribe_for_anonymous", "allow_publish_for_client",
      "allow_publish_for_subscriber", "allow_publish_for_anonymous", "allow_history_for_client",
      "allow_history_for_subscriber", "allow_history_for_anonymous", "allow_presence_for_client",
      "allow_presence_for_subscriber", "allow_presence_for_anonymous",
      "allow_user_limited_channels", "presence", "join_leave", "force_push_join_leave",
      "channel_regex", "user_sync", "sync_batch_size", "sync_interval",
      "proxy_subscribe", "proxy_publish", "proxy_sub_refresh");

  /** Validates; see the class contract. */
  public ChannelOptions {
    historyTtl = historyTtl == null ? Duration.ZERO : historyTtl;
    historyMetaTtl = historyMetaTtl == null ? Duration.ZERO : historyMetaTtl;
    if (historySize < 0) throw ConfigException.at("history_size", "must be >= 0");
    if (historyTtl.isNegative()) throw ConfigException.at("history_ttl", "must be >= 0");
    if (historyMetaTtl.isNegative()) throw ConfigException.at("history_meta_ttl", "must be >= 0");
    if (!historyMetaTtl.isZero() && historyMetaTtl.compareTo(historyTtl) < 0) {
      // The position must outlive the publications, or a client could be told it recovered
      // from a stream whose epoch was silently recreated.
      throw ConfigException.at("history_meta_ttl", "must be >= history_ttl (or 0 for the same value)");
    }
    syncInterval = syncInterval == null ? DEFAULT_SYNC_INTERVAL : syncInterval;
    if (syncBatchSize < 1) throw ConfigException.at("sync_batch_size", "must be >= 1");
    if (syncInterval.isNegative()) throw ConfigException.at("sync_interval", "must be >= 0");
    boolean history = historySize > 0 && historyTtl.toMillis() > 0;
    if (userSync && !history) throw ConfigException.at("user_sync", "needs history_size > 0 and history_ttl > 0");
    // A user sync replays from a position, so its subscriptions are always recoverable.
    forceRecovery = forceRecovery || userSync;
    if (!history) {
      String needsHistory = forceRecovery ? "force_recovery" : allowRecovery ? "allow_recovery"
          : forcePositioning ? "force_positioning" : null;
      if (needsHistory != null) {
        throw ConfigException.at(needsHistory, "recovery needs history_size > 0 and history_ttl > 0");
      }
    }
    if (channelRegex != null) compile(channelRegex);
  }

  /** How the history engine keeps streams of these channels. */
  public StreamOptions streamOptions() {
    return new StreamOptions(historySize, historyTtl, historyMetaTtl);
  }

  /** Whether publications are kept: both {@code history_size} and {@code history_ttl} are positive. */
  public boolean historyEnabled() {
    return historySize > 0 && historyTtl.toMillis() > 0;
  }

  /** The compiled {@code channel_regex}, or null when channel names are not restricted. */
  public Pattern channelPattern() {
    return channelRegex == null ? null : compile(channelRegex);
  }

  private static Pattern compile(String regex) {
    try {
      return PATTERNS.computeIfAbsent(regex, Pattern::compile);
    } catch (PatternSyntaxException e) {
      throw ConfigException.at("channel_regex", "invalid regex: " + e.getDescription());
    }
  }

  /** Reads these options from {@code f}, whose allowed keys must include {@link #KEYS}. */
  static ChannelOptions read(JsonFields f) {
    return f.build(() -> new ChannelOptions(
        f.integer("history_size", 0),
        f.duration("history_ttl", Duration.ZERO),
        f.duration("history_meta_ttl", Duration.ZERO),
        f.bool("force_recovery", false),
        f.bool("allow_recovery", false),
        f.bool("force_positioning", false),
        f.bool("allow_positioning", false),
        f.bool("allow_subscribe_for_client", false),
        f.bool("allow_subscribe_for_anonymous", false),
        f.bool("allow_publish_for_client", false),
        f.bool("allow_publish_for_subscriber", false),
        f.bool("allow_publish_for_anonymous", false),
        f.bool("allow_history_for_client", false),
        f.bool("allow_history_for_subscriber", false),
        f.bool("allow_history_for_anonymous", false),
        f.bool("allow_presence_for_client", false),
        f.bool("allow_presence_for_subscriber", false),
        f.bool("allow_presence_for_anonymous", false),
        f.bool("allow_user_limited_channels", false),
        f.bool("presence", false),
        f.bool("join_leave", false),
        f.bool("force_push_join_leave", false),
        f.string("channel_regex", null),
        f.bool("user_sync", false),
        f.integer("sync_batch_size", DEFAULT_SYNC_BATCH_SIZE),
        f.duration("sync_interval", DEFAULT_SYNC_INTERVAL),
        f.bool("proxy_subscribe", false),
        f.bool("proxy_publish", false),
        f.bool("proxy_sub_refresh", false)));
  }
}
