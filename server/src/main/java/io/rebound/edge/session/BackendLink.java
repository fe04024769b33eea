package io.rebound.edge.session;

import io.rebound.proxy.ProxyCaller;
import java.util.Map;

/**
 * What a session keeps for the application backend's hooks (only when some hook is configured: an
 * idle connection without them pays nothing): who it is in the hooks' request bodies, with the
 * client request headers they forward and the connect result's {@code meta}; whether its connect
 * went through the connect proxy, so that its expiry is renewed by the refresh hook rather than by
 * the client; and, until the connect reply is written, the connect result's {@code data} and the
 * per-channel {@code data} of its {@code subs}. Event-loop confined, like its session.
 */
final class BackendLink {

  /** The id the session gets when it connects: known before, because the connect hook's request names it. */
  final String clientId;
  private ProxyCaller caller;
  private boolean proxiedConnect;
  private String connectData;
  private Map<String, String> subsData = Map.of();

  BackendLink(String clientId, ProxyCaller caller) {
    this.clientId = clientId;
    this.caller = caller;
  }

  /** The session as the hooks' request bodies describe it, for {@code user}. */
  ProxyCaller caller(String user) {
    if (!user.equals(caller.user())) caller = caller.withUser(user);
    return caller;
  }

  /** The connect hook granted this session: keep its {@code meta}; its {@code data} go into the connect reply. */
  void connectGranted(String meta, String data, Map<String, String> subsData) {
    this.proxiedConnect = true;
    this.caller = caller.withMeta(meta);
    this.connectData = data;
    this.subsData = subsData;
  }

  boolean proxiedConnect() {
    return proxiedConnect;
  }

  /** The connect result's {@code data}, once: the connect reply carries it. */
  String takeConnectData() {
    String data = connectData;
    connectData = null;
    return data;
  }

  /** The connect result's {@code subs} data by channel, once: the connect reply carries them. */
  Map<String, String> takeSubsData() {
    Map<String, String> data = subsData;
    subsData = Map.of();
    return data;
  }
}
