package io.rebound.client;

import com.fasterxml.jackson.databind.JsonNode;

/** Who published a publication, or who joined / left / is present: user id, client id and optional infos (raw JSON or null). */
public record ClientInfo(String user, String client, JsonNode connInfo, JsonNode chanInfo) {}
