package io.rebound.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Lifecycle webhooks: where connect, subscribe, unsubscribe and disconnect events are delivered in
 * batches, and how much may wait while the backend is unreachable (README "Backend integration —
 * webhooks").
 *
 * @param endpoint {@code webhook_endpoint}: the backend URL events are POSTed to ({@code http://} or
 *     {@code https://}); empty turns webhooks off
 * @param timeout {@code webhook_timeout}: one request's deadline; a slower answer is a failure and the
 *     batch is sent again
 * @param batchSize {@code webhook_batch_size}: the most events in one request
 * @param bufferSize {@code webhook_buffer_size}: the most events a node holds for delivery; past it new
 *     events are dropped (counted and logged), so an unreachable backend costs bounded memory
 * @param retryMinBackoff {@code webhook_retry_min_backoff}: the wait before the first resend of a failed batch
 * @param retryMaxBackoff {@code webhook_retry_max_backoff}: the longest wait between resends (the wait
 *     doubles from the minimum up to this)
 * @param staticHttpHeaders {@code webhook_static_http_headers}: headers sent with every request (for
 *     example an {@code Authorization} the backend checks)
 * @param nodeTtl {@code webhook_node_ttl}: with {@code engine: redis}, how long a node's heartbeat lives;
 *     a node silent for this long is dead and a survivor reports its sessions' disconnects
 */
public record WebhookOptions(
    String endpoint,
    Duration timeout,
    int batchSize,
    int bufferSize,
    Duration retryMinBackoff,
    Duration retryMaxBackoff,
    Map<String, String> staticHttpHeaders,
    Duration nodeTtl) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_BATCH_SIZE = 100;
  public static final int MAX_BATCH_SIZE = 10_000;
  public static final int DEFAULT_BUFFER_SIZE = 100_000;
  public static final Duration DEFAULT_RETRY_MIN_BACKOFF = Duration.ofMillis(200);
  public static final Duration DEFAULT_RETRY_MAX_BACKOFF = Duration.ofSeconds(10);
  public static final Duration DEFAULT_NODE_TTL = Duration.ofSeconds(10);
  /** Below this a heartbeat every third of the TTL would be a busy loop, and a GC pause a false death. */
  public static final Duration MIN_NODE_TTL = Duration.ofSeconds(1);

  /** Webhooks off. */
  public static final WebhookOptions DEFAULTS = new WebhookOptions("", DEFAULT_TIMEOUT, DEFAULT_BATCH_SIZE,
      DEFAULT_BUFFER_SIZE, DEFAULT_RETRY_MIN_BACKOFF, DEFAULT_RETRY_MAX_BACKOFF, Map.of(), DEFAULT_NODE_TTL);

  /** The JSON keys of these options (all at top level). */
  static final Set<String> KEYS = Set.of("webhook_endpoint", "webhook_timeout", "webhook_batch_size",
      "webhook_buffer_size", "webhook_retry_min_backoff", "webhook_retry_max_backoff",
      "webhook_static_http_headers", "webhook_node_ttl");

  /** RFC 7230 token characters: what a header name may be made of. */
  private static final Pattern HEADER_NAME = Pattern.compile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$");

  /** Validates, naming the JSON key at fault. */
  public WebhookOptions {
    endpoint = endpoint == null ? "" : endpoint.trim();
    if (!endpoint.isEmpty()) checkEndpoint(endpoint);
    requirePositive("webhook_timeout", timeout);
    requirePositive("webhook_retry_min_backoff", retryMinBackoff);
    requirePositive("webhook_retry_max_backoff", retryMaxBackoff);
    if (retryMaxBackoff.compareTo(retryMinBackoff) < 0) {
      throw ConfigException.at("webhook_retry_max_backoff", "must be >= webhook_retry_min_backoff");
    }
    if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw ConfigException.at("webhook_batch_size", "must be in 1.." + MAX_BATCH_SIZE);
    }
    // A buffer smaller than a batch could never fill one request.
    if (bufferSize < batchSize) throw ConfigException.at("webhook_buffer_size", "must be >= webhook_batch_size (" + batchSize + ")");
    if (nodeTtl == null || nodeTtl.compareTo(MIN_NODE_TTL) < 0) throw ConfigException.at("webhook_node_ttl", "must be at least 1s");
    staticHttpHeaders = staticHttpHeaders == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(staticHttpHeaders));
    staticHttpHeaders.forEach((name, value) -> {
      if (!HEADER_NAME.matcher(name).matches()) {
        throw ConfigException.at("webhook_static_http_headers", "\"" + name + "\" is not a valid header name");
      }
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw ConfigException.at("webhook_static_http_headers", "the value of \"" + name + "\" contains a line break");
      }
    });
  }

  /** Whether events are delivered at all ({@code webhook_endpoint} is set). */
  public boolean enabled() {
    return !endpoint.isEmpty();
  }

  private static void checkEndpoint(String endpoint) {
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw ConfigException.at("webhook_endpoint", "\"" + endpoint + "\" is not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw ConfigException.at("webhook_endpoint", "\"" + endpoint + "\" must be an http:// or https:// URL with a host");
    }
  }

  private static void requirePositive(String key, Duration d) {
    if (d == null || d.toMillis() <= 0) throw ConfigException.at(key, "must be > 0");
  }

  /** Reads these options from {@code f}, whose allowed keys must include {@link #KEYS}. */
  static WebhookOptions read(JsonFields f) {
    WebhookOptions d = DEFAULTS;
    return f.build(() -> new WebhookOptions(
        f.string("webhook_endpoint", d.endpoint),
        f.duration("webhook_timeout", d.timeout),
        f.integer("webhook_batch_size", d.batchSize),
        f.integer("webhook_buffer_size", d.bufferSize),
        f.duration("webhook_retry_min_backoff", d.retryMinBackoff),
        f.duration("webhook_retry_max_backoff", d.retryMaxBackoff),
        headers(f, "webhook_static_http_headers"),
        f.duration("webhook_node_ttl", d.nodeTtl)));
  }

  /** An object of string values: {@code {"Authorization": "Bearer x"}}. */
  private static Map<String, String> headers(JsonFields f, String key) {
    JsonNode node = f.get(key);
    Map<String, String> out = new LinkedHashMap<>();
    if (node == null) return out;
    if (!node.isObject()) throw f.wrongType(key, "an object of header names to string values", node);
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw ConfigException.located(f.pathOf(key) + "." + e.getKey(), "expected a string, got " + JsonFields.describe(e.getValue()));
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }
}
