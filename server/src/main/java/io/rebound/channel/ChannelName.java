package io.rebound.channel;

import io.rebound.config.BrokerConfig;
import io.rebound.config.ChannelOptions;
import io.rebound.core.Utf8;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A channel name resolved against the configuration (Centrifugo rules): {@code ns:rest} belongs to
 * namespace {@code ns} (only the first ':' counts), a name without ':' gets the top-level options,
 * and in namespaces that allow it {@code rest#u1,u2} is limited to users u1 and u2.
 *
 * @param channel the full channel name as the client sent it
 * @param namespace the namespace name, or "" for the top-level options
 * @param options the options that apply to this channel
 * @param allowedUsers the users of a user-limited channel, or null when the channel is not user-limited
 */
public record ChannelName(String channel, String namespace, ChannelOptions options, Set<String> allowedUsers) {

  /** Centrifugo's default {@code channel.max_length}, counted in UTF-8 bytes as Go's len() does. */
  public static final int MAX_LENGTH = 255;

  private static final char NAMESPACE_BOUNDARY = ':';
  private static final char USER_BOUNDARY = '#';
  private static final String USER_SEPARATOR = ",";
  private static final char PRIVATE_PREFIX = '$';

  /**
   * Resolves {@code channel}: fails with 107 when it is empty, longer than {@link #MAX_LENGTH} bytes
   * or holds a control character, with 102 when its namespace is unknown or the part after the
   * namespace does not match the namespace's {@code channel_regex}.
   */
  public static ChannelName resolve(String channel, BrokerConfig config) throws ChannelException {
    if (channel == null || channel.isEmpty() || Utf8.length(channel) > MAX_LENGTH || hasControlCharacter(channel)) {
      throw new ChannelException(ChannelException.BAD_REQUEST, "bad request");
    }
    int boundary = channel.indexOf(NAMESPACE_BOUNDARY);
    String namespace = boundary < 0 ? "" : channel.substring(0, boundary);
    // ":x" has an empty namespace; Centrifugo treats it like a channel without one, and no
    // configured namespace can be empty (names have at least 2 characters).
    ChannelOptions options = namespace.isEmpty() ? config.defaults() : config.namespace(namespace);
    if (options == null) throw new ChannelException(ChannelException.UNKNOWN_CHANNEL, "unknown channel");
    Pattern pattern = options.channelPattern();
    // find(), not matches(): Centrifugo uses Go's regexp.MatchString, so configs anchor with ^...$.
    if (pattern != null && !pattern.matcher(channel.substring(boundary + 1)).find()) {
      throw new ChannelException(ChannelException.UNKNOWN_CHANNEL, "unknown channel");
    }
    return new ChannelName(channel, namespace, options, allowedUsers(channel, options));
  }

  private static Set<String> allowedUsers(String channel, ChannelOptions options) {
    int boundary = channel.lastIndexOf(USER_BOUNDARY);
    if (!options.allowUserLimitedChannels() || boundary < 0) return null;
    Set<String> users = new HashSet<>();
    for (String user : channel.substring(boundary + 1).split(USER_SEPARATOR)) {
      if (!user.isEmpty()) users.add(user);
    }
    return Set.copyOf(users);
  }

  /** Whether the name after the namespace starts with '$': subscribing then always needs a token. */
  public boolean isPrivate() {
    int start = channel.indexOf(NAMESPACE_BOUNDARY) + 1; // 0 when there is no namespace
    return channel.length() > start && channel.charAt(start) == PRIVATE_PREFIX;
  }

  /** Whether this channel is limited to the users after '#'. */
  public boolean isUserLimited() {
    return allowedUsers != null;
  }

  /**
   * Whether {@code user} may use this channel by its name alone: always for a channel that is not
   * user-limited; otherwise only a non-anonymous user listed after '#'.
   */
  public boolean userAllowed(String user) {
    if (allowedUsers == null) return true;
    return user != null && !user.isEmpty() && allowedUsers.contains(user);
  }

  /**
   * C0 controls, DEL and C1 controls. Centrifugo has no rule of its own here (it only asks for ASCII
   * names); a name that can rewrite a log line or a terminal is malformed, so it gets the answer
   * Centrifugo gives a malformed name (too long): 107.
   */
  private static boolean hasControlCharacter(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) return true;
    }
    return false;
  }
}
