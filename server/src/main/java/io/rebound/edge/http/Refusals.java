package io.rebound.edge.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log lines for requests the node refuses by configuration (a disabled transport, a format it does
 * not serve): the first of each kind at INFO, so an operator learns why clients fail, and the rest
 * at DEBUG, so a client retrying with backoff cannot flood the log. Thread-safe.
 */
public final class Refusals {

  private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);

  private final Set<String> told = ConcurrentHashMap.newKeySet();

  /** A refused request for {@code path}, answered {@code status}, because {@code why}; true when it was the first of its kind (logged at INFO). */
  public boolean refused(String path, int status, String why, String remote) {
    if (told.add(path + ' ' + why)) {
      LOG.info("event=transport_refused path={} status={} reason=\"{}\" remote={} (further refusals of this kind are logged at debug)",
          path, status, why, remote);
      return true;
    }
    LOG.debug("event=transport_refused path={} status={} reason=\"{}\" remote={}", path, status, why, remote);
    return false;
  }
}
