package io.rebound.proxy;

import java.util.Map;

/**
 * Who a hook call is about, as every request body names it: the connection's client id, transport
 * ({@code websocket}, …), protocol ({@code json} / {@code protobuf}) and encoding ({@code json} /
 * {@code binary}), its user ("" before connect and when anonymous), its {@code meta} (compact JSON
 * or null; sent only with {@code proxy_include_connection_meta}), and the client request headers
 * to forward (already limited to {@code proxy_http_headers}).
 */
public record ProxyCaller(String client, String transport, String protocol, String encoding, String user, String meta,
    Map<String, String> headers) {

  public ProxyCaller {
    user = user == null ? "" : user;
    headers = headers == null ? Map.of() : headers;
  }

  public ProxyCaller withUser(String user) {
    return new ProxyCaller(client, transport, protocol, encoding, user, meta, headers);
  }

  public ProxyCaller withMeta(String meta) {
    return new ProxyCaller(client, transport, protocol, encoding, user, meta, headers);
  }
}
