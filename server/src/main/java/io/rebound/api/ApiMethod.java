package io.rebound.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.bus.ApiRequest;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.Future;

/**
 * One method of the server API, as registered by name in {@link ApiService}. It reads its
 * parameters from the request, does its work and completes with the {@code result} object.
 *
 * <p>Bad parameters may be thrown as a {@link ProtocolException} before any work starts (the
 * registry turns the throw into a failed future); failures the caller should see are failed futures
 * with a ProtocolException. Anything else is a bug or an unreachable collaborator and is answered
 * as 100 by the registry. Runs on the API verticle's event loop and never blocks.
 */
@FunctionalInterface
interface ApiMethod {

  Future<JsonNode> call(ApiRequest request);
}
