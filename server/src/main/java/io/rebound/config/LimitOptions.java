package io.rebound.config;

import java.util.Set;

/**
 * Node-wide limits that keep one careless or hostile caller from taking a node down (README,
 * "Limits").
 *
 * @param historyMemoryLimit {@code history_memory_limit}: bytes of history the memory engine keeps
 *     in this node's heap; beyond it whole least-recently-used streams are evicted (their clients
 *     learn {@code recovered: false}). Default: a quarter of the maximum heap.
 * @param publicationSizeLimit {@code publication_size_limit}: the largest publication (data, tags
 *     and publisher info, in UTF-8 bytes) the API and client publish accept, 107 above. Below {@code
 *     client_queue_max_size}, so that every subscriber can receive every accepted publication.
 *     Default: half of {@code client_queue_max_size}.
 * @param apiBatchMaxSize {@code api_batch_max_size}: the most commands in one {@code batch} call,
 *     and the most lines in one legacy {@code POST /api} pipeline (107 / 413 above, nothing applied)
 * @param clientPublishRate {@code client_publish_rate}: client publishes per second one connection
 *     may make on average (a token bucket of {@code clientPublishBurst}); beyond it a publish is
 *     answered 111 "too many requests" and applies nothing; 0 = unlimited
 * @param clientPublishBurst {@code client_publish_burst}: publishes a connection may make at once
 *     after a quiet spell (the bucket's size); at least 1 when a rate is set
 * @param clientCommandsInFlight {@code client_commands_in_flight}: publish, history, presence and
 *     presence_stats commands of one connection that may wait for their answer at once (each holds
 *     its result in memory until written); more are answered 111 at once; 0 = unlimited
 */
public record LimitOptions(long historyMemoryLimit, int publicationSizeLimit, int apiBatchMaxSize, int clientPublishRate,
    int clientPublishBurst, int clientCommandsInFlight) {

  public static final int DEFAULT_API_BATCH_MAX_SIZE = 10_000;
  /** Ten times what a chatty person types, a sixth of a game's 60 Hz: enough for an app, not for a flood. */
  public static final int DEFAULT_CLIENT_PUBLISH_RATE = 100;
  /** A reconnecting SDK resends what it buffered (the Java client keeps up to 128 commands) in one go. */
  public static final int DEFAULT_CLIENT_PUBLISH_BURST = 200;
  /** Covers the Java client's whole resend buffer (128) with room to spare. */
  public static final int DEFAULT_CLIENT_COMMANDS_IN_FLIGHT = 256;

  /** The JSON keys of these options (all at top level). */
  static final Set<String> KEYS = Set.of("history_memory_limit", "publication_size_limit", "api_batch_max_size",
      "client_publish_rate", "client_publish_burst", "client_commands_in_flight");

  /** Validates on its own; {@link #checkAgainst} checks what depends on the client options. */
  public LimitOptions {
    if (historyMemoryLimit <= 0) throw ConfigException.at("history_memory_limit", "must be > 0");
    if (publicationSizeLimit <= 0) throw ConfigException.at("publication_size_limit", "must be > 0");
    if (apiBatchMaxSize <= 0) throw ConfigException.at("api_batch_max_size", "must be > 0");
    if (clientPublishRate < 0) throw ConfigException.at("client_publish_rate", "must be >= 0 (0 = unlimited)");
    if (clientPublishBurst < 0 || clientPublishRate > 0 && clientPublishBurst < 1) {
      throw ConfigException.at("client_publish_burst", "must be >= 1 when client_publish_rate is set");
    }
    if (clientCommandsInFlight < 0) throw ConfigException.at("client_commands_in_flight", "must be >= 0 (0 = unlimited)");
  }

  /** The defaults for a node whose connections have {@code client}'s options. */
  public static LimitOptions defaults(ClientOptions client) {
    return new LimitOptions(defaultHistoryMemoryLimit(), defaultPublicationSizeLimit(client), DEFAULT_API_BATCH_MAX_SIZE,
        DEFAULT_CLIENT_PUBLISH_RATE, DEFAULT_CLIENT_PUBLISH_BURST, DEFAULT_CLIENT_COMMANDS_IN_FLIGHT);
  }

  /** A quarter of the heap this JVM may grow to (-Xmx): the rest is for connections, queues and the JVM. */
  public static long defaultHistoryMemoryLimit() {
    return Math.max(1, Runtime.getRuntime().maxMemory() / 4);
  }

  /** Half the outbound queue: an accepted publication always fits a subscriber's queue with room for its envelope. */
  static int defaultPublicationSizeLimit(ClientOptions client) {
    return Math.max(1, client.queueMaxSize() / 2);
  }

  /** Fails when a publication of the largest accepted size could not be queued for a subscriber. */
  void checkAgainst(ClientOptions client) {
    if (publicationSizeLimit >= client.queueMaxSize()) {
      throw ConfigException.at("publication_size_limit", "must be below client_queue_max_size (" + client.queueMaxSize()
          + "): a larger publication could not be delivered to any subscriber");
    }
  }

  /** Reads these options from {@code f}, whose allowed keys must include {@link #KEYS}. */
  static LimitOptions read(JsonFields f, ClientOptions client) {
    long history = f.size("history_memory_limit", defaultHistoryMemoryLimit());
    long publication = f.size("publication_size_limit", defaultPublicationSizeLimit(client));
    if (publication > Integer.MAX_VALUE) throw ConfigException.located(f.pathOf("publication_size_limit"), "must be below 2GiB");
    int batch = f.integer("api_batch_max_size", DEFAULT_API_BATCH_MAX_SIZE);
    int rate = f.integer("client_publish_rate", DEFAULT_CLIENT_PUBLISH_RATE);
    int burst = f.integer("client_publish_burst", DEFAULT_CLIENT_PUBLISH_BURST);
    int inFlight = f.integer("client_commands_in_flight", DEFAULT_CLIENT_COMMANDS_IN_FLIGHT);
    return f.build(() -> new LimitOptions(history, (int) publication, batch, rate, burst, inFlight));
  }
}
