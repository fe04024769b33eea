package io.rebound.config;

/**
 * A configuration that cannot be used. The message always starts with (or names) the offending key
 * and its path, e.g. {@code namespaces[1].history_tll: unknown key}, so an operator can fix the
 * file without reading the code.
 */
public final class ConfigException extends RuntimeException {

  private final String key;
  // True when key is relative to the object being validated (a record constructor does not know
  // where in the file it was read from); the loader then adds the enclosing path exactly once.
  private final boolean relative;

  /**
   * A failure about {@code key} (a path such as {@code namespaces[0].history_ttl}; empty when the
   * failure is about the whole document) described by the complete {@code message}.
   */
  public ConfigException(String key, String message) {
    this(key, message, true);
  }

  private ConfigException(String key, String message, boolean relative) {
    super(message);
    this.key = key;
    this.relative = relative;
  }

  /** A failure whose message is {@code "<path>: <detail>"}. */
  public static ConfigException at(String path, String detail) {
    return new ConfigException(path, path.isEmpty() ? detail : path + ": " + detail, true);
  }

  /** Like {@link #at} for a path that is already complete from the top of the file. */
  static ConfigException located(String path, String detail) {
    return new ConfigException(path, path.isEmpty() ? detail : path + ": " + detail, false);
  }

  /** The path of the offending key, or empty when the whole document is at fault. */
  public String key() {
    return key;
  }

  /**
   * The same failure seen from an enclosing object at {@code parent}: a namespace's options
   * validate themselves with bare key names, and the loader adds {@code namespaces[i].} in front.
   */
  ConfigException under(String parent) {
    if (!relative || parent.isEmpty()) return this;
    return new ConfigException(key.isEmpty() ? parent : parent + "." + key, parent + "." + getMessage(), false);
  }
}
