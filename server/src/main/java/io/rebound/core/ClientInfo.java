package io.rebound.core;

/**
 * Who published or who is present: user id, client (connection) id and optional raw-JSON connection
 * and channel info. {@code connInfo}/{@code chanInfo} hold JSON text exactly as it must appear on the
 * wire (or null).
 */
public record ClientInfo(String user, String client, String connInfo, String chanInfo) {
  public ClientInfo {
    user = user == null ? "" : user;
    client = client == null ? "" : client;
  }
}
