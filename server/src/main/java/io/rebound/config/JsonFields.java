package io.rebound.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Typed, path-aware reads from one JSON object of the config file. Construction rejects keys that
 * are not in the allowed set, before any value is read, so a typo is reported as the typo rather
 * than as a confusing consequence of the misspelt option keeping its default.
 */
final class JsonFields {

  private final JsonNode node;
  private final String path;
  private final Set<String> allowed;

  /** Reads {@code node} found at {@code path}; fails on a non-object or on a key not in {@code allowed}. */
  JsonFields(JsonNode node, String path, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      throw ConfigException.located(path, "expected an object, got " + describe(node));
    }
    this.node = node;
    this.path = path;
    this.allowed = allowed;
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) throw ConfigException.located(pathOf(key), "unknown key");
    }
  }

  /** The path of {@code key} inside this object, as used in error messages. */
  String pathOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The raw value of {@code key}, or null when absent. */
  JsonNode get(String key) {
    // A read of an undeclared key is a programming error: it would be rejected as unknown in files.
    if (!allowed.contains(key)) throw new IllegalStateException("undeclared config key " + key);
    JsonNode value = node.get(key);
    // From the environment: typed by the reader; everything but a string reads it as JSON (EnvValue).
    if (value instanceof EnvValue env) value = env.asJson();
    if (value != null && value.isNull()) throw ConfigException.located(pathOf(key), "null is not allowed (omit the key for the default)");
    return value;
  }

  boolean bool(String key, boolean def) {
    JsonNode v = get(key);
    if (v == null) return def;
    if (!v.isBoolean()) throw wrongType(key, "a boolean", v);
    return v.booleanValue();
  }

  int integer(String key, int def) {
    JsonNode v = get(key);
    if (v == null) return def;
    if (!v.isIntegralNumber() || !v.canConvertToInt()) throw wrongType(key, "an integer", v);
    return v.intValue();
  }

  String string(String key, String def) {
    if (node.get(key) instanceof EnvValue env) return env.textValue(); // a string from the environment is taken as written
    JsonNode v = get(key);
    if (v == null) return def;
    if (!v.isTextual()) throw wrongType(key, "a string", v);
    return v.textValue();
  }

  /** A list of strings given as a JSON array of strings. */
  java.util.List<String> strings(String key, java.util.List<String> def) {
    JsonNode v = get(key);
    if (v == null) return def;
    if (!v.isArray()) throw wrongType(key, "an array of strings", v);
    java.util.List<String> out = new java.util.ArrayList<>(v.size());
    for (JsonNode item : v) {
      if (!item.isTextual()) throw ConfigException.located(pathOf(key), "expected an array of strings, got an element " + describe(item));
      out.add(item.textValue());
    }
    return out;
  }

  /** A duration given as a string ("600s", "1h30m", ...) or as a whole number of seconds. */
  Duration duration(String key, Duration def) {
    JsonNode v = get(key);
    if (v == null) return def;
    Duration d = null;
    if (v.isTextual()) {
      d = Durations.parse(v.textValue());
    } else if (v.isIntegralNumber() && v.canConvertToLong() && v.longValue() >= 0) {
      d = Duration.ofSeconds(v.longValue());
    } else if (!v.isNumber()) {
      throw wrongType(key, "a duration string or a number of seconds", v);
    }
    if (d == null) throw ConfigException.located(pathOf(key), v + " is not a duration " + Durations.HINT);
    return d;
  }

  /** A size in bytes given as a whole number or a string with a unit ("512KiB", "64MiB", "500MB"). */
  long size(String key, long def) {
    JsonNode v = get(key);
    if (v == null) return def;
    long bytes = -1;
    if (v.isTextual()) {
      bytes = ByteSizes.parse(v.textValue());
    } else if (v.isIntegralNumber() && v.canConvertToLong()) {
      bytes = v.longValue();
    } else {
      throw wrongType(key, "a number of bytes or a size string", v);
    }
    if (bytes < 0) throw ConfigException.located(pathOf(key), v + " is not a size " + ByteSizes.HINT);
    return bytes;
  }

  /**
   * Builds a value whose constructor validates with bare key names, re-reporting its failure at
   * this object's path.
   */
  <T> T build(Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (ConfigException e) {
      throw e.under(path);
    }
  }

  ConfigException wrongType(String key, String expected, JsonNode actual) {
    return ConfigException.located(pathOf(key), "expected " + expected + ", got " + describe(actual));
  }

  static String describe(JsonNode v) {
    if (v == null || v.isMissingNode()) return "nothing";
    String kind = switch (v.getNodeType()) {
      case STRING -> "string";
      case NUMBER -> "number";
      case BOOLEAN -> "boolean";
      case ARRAY -> "array";
      case OBJECT -> "object";
      case NULL -> "null";
      default -> v.getNodeType().name().toLowerCase();
    };
    String text = v.toString();
    return v.isContainerNode() || v.isNull() ? kind : kind + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
  }
}
