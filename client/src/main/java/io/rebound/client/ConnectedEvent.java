package io.rebound.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The client is connected.
 *
 * @param client the client id the server assigned (the same as before when {@code resumed})
 * @param resumed the previous session was resumed (EXTENSIONS.md §2): nothing was missed in either direction and
 *     no subscription was redone
 * @param data custom connect data from the server (null when none)
 */
public record ConnectedEvent(String client, boolean resumed, JsonNode data) {}
