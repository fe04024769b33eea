package io.rebound.config;

import java.util.Locale;

/** Where channel state lives: in this process, in a Hazelcast cluster, or in Redis. */
public enum Engine {
  MEMORY,
  HAZELCAST,
  REDIS;

  /** The name used in the config file ("memory", "hazelcast", "redis"). */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The engine called {@code name} in the config file, or null when there is none. */
  public static Engine parse(String name) {
    for (Engine e : values()) {
      if (e.jsonName().equals(name)) return e;
    }
    return null;
  }
}
