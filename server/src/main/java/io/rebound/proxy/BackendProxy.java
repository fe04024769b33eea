package io.rebound.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.config.ProxyOptions;
import io.rebound.config.ProxyOptions.Hook;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The application backend's hooks as Centrifugo v5 calls them over HTTP: one method per hook, each
 * building the documented request body from a {@link ProxyCaller} and the hook's own fields, and
 * reading the documented result into a {@link Grants} record. Failures are those of {@link
 * ProxyClient#call}: {@link BackendRefusal} (the backend's error or disconnect) or {@link
 * ProxyUnavailable} (no usable answer: temporary). Futures complete on the caller's context.
 * Thread-safe.
 */
public final class BackendProxy {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ProxyClient client;

  public BackendProxy(ProxyClient client) {
    this.client = client;
  }

  /** Closes the HTTP client (the node is stopping). */
  public void close() {
    client.close();
  }

  public ProxyOptions options() {
    return client.options();
  }

  public boolean enabled(Hook hook) {
    return client.options().enabled(hook);
  }

  /** Client request headers worth keeping for the calls: only those named in {@code proxy_http_headers} (lower-cased names). */
  public Map<String, String> forwardable(Iterable<Map.Entry<String, String>> headers) {
    List<String> wanted = client.options().httpHeaders();
    if (wanted.isEmpty() || headers == null) return Map.of();
    Map<String, String> kept = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : headers) {
      String name = h.getKey().toLowerCase(java.util.Locale.ROOT);
      if (wanted.contains(name)) kept.putIfAbsent(name, h.getValue());
    }
    return kept;
  }

  /** {@code connect}: {@code name}, {@code version}, {@code data} (JSON text) are the client's, each may be null. */
  public Future<Grants.Connect> connect(ProxyCaller caller, String name, String version, String data) {
    ObjectNode body = common(caller, false);
    if (name != null && !name.isEmpty()) body.put("name", name);
    if (version != null && !version.isEmpty()) body.put("version", version);
    putJson(body, "data", data);
    return client.call(Hook.CONNECT, body, caller.headers()).map(r -> {
      Set<String> channels = new LinkedHashSet<>(strings(r.get("channels")));
      Map<String, Grants.Sub> subs = new LinkedHashMap<>();
      JsonNode subsNode = r.get("subs");
      if (subsNode != null && subsNode.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = subsNode.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          subs.put(e.getKey(), new Grants.Sub(json(e.getValue().get("info")), json(e.getValue().get("data"))));
          channels.add(e.getKey());
        }
      }
      return new Grants.Connect(r.path("user").asText(""), r.path("expire_at").asLong(0), json(r.get("info")), json(r.get("data")),
          List.copyOf(channels), subs, json(r.get("meta")));
    });
  }

  /** {@code refresh}: the connection is about to expire. */
  public Future<Grants.Refresh> refresh(ProxyCaller caller) {
    return client.call(Hook.REFRESH, common(caller, true), caller.headers()).map(BackendProxy::refreshGrant);
  }

  /** {@code subscribe} to {@code channel}, with the client's subscribe {@code data} (JSON text or null). */
  public Future<Grants.Subscribe> subscribe(ProxyCaller caller, String channel, String data) {
    ObjectNode body = common(caller, true);
    body.put("channel", channel);
    putJson(body, "data", data);
    return client.call(Hook.SUBSCRIBE, body, caller.headers())
        .map(r -> new Grants.Subscribe(json(r.get("info")), json(r.get("data")), r.path("expire_at").asLong(0)));
  }

  /** {@code publish} of {@code data} (JSON text) into {@code channel}. */
  public Future<Grants.Publish> publish(ProxyCaller caller, String channel, String data) {
    ObjectNode body = common(caller, true);
    body.put("channel", channel);
    putJson(body, "data", data);
    return client.call(Hook.PUBLISH, body, caller.headers()).map(r -> new Grants.Publish(json(r.get("data")), r.path("skip_history").asBoolean(false)));
  }

  /** {@code sub_refresh}: the subscription to {@code channel} is about to expire. */
  public Future<Grants.Refresh> subRefresh(ProxyCaller caller, String channel) {
    ObjectNode body = common(caller, true);
    body.put("channel", channel);
    return client.call(Hook.SUB_REFRESH, body, caller.headers()).map(BackendProxy::refreshGrant);
  }

  /** {@code rpc}: the client's {@code method} (may be null) and {@code data} (JSON text or null). */
  public Future<Grants.Rpc> rpc(ProxyCaller caller, String method, String data) {
    ObjectNode body = common(caller, true);
    if (method != null && !method.isEmpty()) body.put("method", method);
    putJson(body, "data", data);
    return client.call(Hook.RPC, body, caller.headers()).map(r -> new Grants.Rpc(json(r.get("data"))));
  }

  private ObjectNode common(ProxyCaller caller, boolean withUser) {
    ObjectNode body = JSON.createObjectNode();
    body.put("client", caller.client());
    body.put("transport", caller.transport());
    body.put("protocol", caller.protocol());
    body.put("encoding", caller.encoding());
    if (withUser) body.put("user", caller.user());
    if (withUser && client.options().includeConnectionMeta()) putJson(body, "meta", caller.meta());
    return body;
  }

  private static Grants.Refresh refreshGrant(JsonNode r) {
    return new Grants.Refresh(r.path("expired").asBoolean(false), r.path("expire_at").asLong(0), json(r.get("info")));
  }

  /** Puts raw JSON text as a JSON member (the client's data is valid JSON: the codec checked it). */
  private static void putJson(ObjectNode body, String field, String json) {
    if (json == null) return;
    try {
      body.set(field, JSON.readTree(json));
    } catch (java.io.IOException e) {
      body.put(field, json); // not JSON after all: sent as a string rather than dropped
    }
  }

  private static String json(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode() ? null : node.toString();
  }

  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node != null && node.isArray()) for (JsonNode n : node) if (n.isTextual() && !n.textValue().isEmpty()) out.add(n.textValue());
    return out;
  }
}
