package io.rebound.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP proxy hooks to the application backend, with Centrifugo v5's flat option names: one
 * endpoint and timeout per hook ({@code proxy_connect_endpoint}, {@code proxy_connect_timeout}, …),
 * the client request headers forwarded ({@code proxy_http_headers}), fixed headers ({@code
 * proxy_static_http_headers}) and whether the connection's {@code meta} goes along ({@code
 * proxy_include_connection_meta}). Which channels use the subscribe, publish and sub_refresh hooks
 * is a namespace option ({@link ChannelOptions#proxySubscribe()} …).
 *
 * <p>Beyond Centrifugo, so that a reconnect storm cannot melt the backend: {@code
 * proxy_max_in_flight} calls at once per node, {@code proxy_max_queued} more waiting in order;
 * past that a call fails at once with a temporary error the SDK retries.
 *
 * @param hooks the configured hooks by kind; a kind without an endpoint is absent
 * @param httpHeaders {@code proxy_http_headers}: client request header names forwarded, lower case
 * @param staticHttpHeaders {@code proxy_static_http_headers}: added to every call (a forwarded client header of the same name wins)
 * @param includeConnectionMeta {@code proxy_include_connection_meta}: send the connect result's {@code meta}
 * @param maxInFlight {@code proxy_max_in_flight}: concurrent calls per node
 * @param maxQueued {@code proxy_max_queued}: calls waiting for a slot per node
 */
public record ProxyOptions(Map<Hook, Endpoint> hooks, List<String> httpHeaders, Map<String, String> staticHttpHeaders,
    boolean includeConnectionMeta, int maxInFlight, int maxQueued) {

  /** The proxied events, each with its key prefix ({@code proxy_<key>_endpoint}). */
  public enum Hook {
    CONNECT("connect"), REFRESH("refresh"), SUBSCRIBE("subscribe"), PUBLISH("publish"), SUB_REFRESH("sub_refresh"), RPC("rpc");

    public final String key;

    Hook(String key) {
      this.key = key;
    }
  }

  /** Where one hook is called and how long a call may take. */
  public record Endpoint(URI url, Duration timeout) {}

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  public static final int DEFAULT_MAX_IN_FLIGHT = 64;
  public static final int DEFAULT_MAX_QUEUED = 4096;

  public static final ProxyOptions DISABLED = new ProxyOptions(Map.of(), List.of(), Map.of(), false, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_QUEUED);

  /** The JSON keys of these options (all at top level). */
  static final Set<String> KEYS = keys();

  public ProxyOptions {
    hooks = Map.copyOf(hooks);
    httpHeaders = httpHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT)).distinct().toList();
    staticHttpHeaders = Map.copyOf(staticHttpHeaders);
    if (maxInFlight < 1) throw ConfigException.at("proxy_max_in_flight", "must be >= 1");
    if (maxQueued < 0) throw ConfigException.at("proxy_max_queued", "must be >= 0");
  }

  /** The endpoint of {@code hook}, or null when it is not proxied. */
  public Endpoint endpoint(Hook hook) {
    return hooks.get(hook);
  }

  public boolean enabled(Hook hook) {
    return hooks.containsKey(hook);
  }

  private static Set<String> keys() {
    List<String> keys = new ArrayList<>(List.of("proxy_http_headers", "proxy_static_http_headers", "proxy_include_connection_meta",
        "proxy_max_in_flight", "proxy_max_queued"));
    for (Hook h : Hook.values()) {
      keys.add("proxy_" + h.key + "_endpoint");
      keys.add("proxy_" + h.key + "_timeout");
    }
    return Set.copyOf(keys);
  }

  /** Reads these options from {@code f}, whose allowed keys must include {@link #KEYS}. */
  static ProxyOptions read(JsonFields f) {
    Map<Hook, Endpoint> hooks = new LinkedHashMap<>();
    for (Hook h : Hook.values()) {
      String key = "proxy_" + h.key + "_endpoint";
      String url = f.string(key, "");
      Duration timeout = f.duration("proxy_" + h.key + "_timeout", DEFAULT_TIMEOUT);
      if (timeout.isZero()) throw ConfigException.located(f.pathOf("proxy_" + h.key + "_timeout"), "must be > 0");
      if (!url.isEmpty()) hooks.put(h, new Endpoint(url(f, key, url), timeout));
    }
    List<String> headers = strings(f, "proxy_http_headers");
    Map<String, String> statics = stringMap(f, "proxy_static_http_headers");
    boolean meta = f.bool("proxy_include_connection_meta", false);
    int inFlight = f.integer("proxy_max_in_flight", DEFAULT_MAX_IN_FLIGHT);
    int queued = f.integer("proxy_max_queued", DEFAULT_MAX_QUEUED);
    return f.build(() -> new ProxyOptions(hooks, headers, statics, meta, inFlight, queued));
  }

  private static URI url(JsonFields f, String key, String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) return uri;
      if (scheme.equals("grpc")) throw ConfigException.located(f.pathOf(key), "GRPC proxies are not supported: use an http(s):// endpoint");
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    throw ConfigException.located(f.pathOf(key), "must be an http:// or https:// URL with a host, got \"" + url + "\"");
  }

  /** An array of strings, or (from the environment, as Centrifugo) one space-separated string. */
  private static List<String> strings(JsonFields f, String key) {
    JsonNode v = f.get(key);
    if (v == null) return List.of();
    List<String> out = new ArrayList<>();
    if (v.isTextual()) {
      for (String s : v.textValue().trim().split("\\s+")) if (!s.isEmpty()) out.add(s);
      return out;
    }
    if (!v.isArray()) throw f.wrongType(key, "an array of strings", v);
    for (JsonNode e : v) {
      if (!e.isTextual() || e.textValue().isBlank()) throw f.wrongType(key, "an array of header names", v);
      out.add(e.textValue().trim());
    }
    return out;
  }

  private static Map<String, String> stringMap(JsonFields f, String key) {
    JsonNode v = f.get(key);
    if (v == null) return Map.of();
    if (!v.isObject()) throw f.wrongType(key, "an object of header names to values", v);
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) throw f.wrongType(key, "an object of header names to string values", v);
      out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }
}
