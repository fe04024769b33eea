package io.rebound.api;

import io.rebound.core.ClientInfo;
import io.rebound.core.Publication;
import io.rebound.core.Utf8;
import java.util.Map;

/**
 * The size {@code publication_size_limit} is compared with: the UTF-8 bytes of what a subscriber
 * receives of a publication besides the push envelope — its data, its tags and its publisher's info.
 */
final class PublicationSize {
  private PublicationSize() {}

  static long of(Publication p) {
    long n = p.data().length();
    if (p.tags() != null) {
      for (Map.Entry<String, String> t : p.tags().entrySet()) n += Utf8.length(t.getKey()) + Utf8.length(t.getValue());
    }
    ClientInfo info = p.info();
    if (info != null) n += Utf8.length(info.user()) + Utf8.length(info.client()) + length(info.connInfo()) + length(info.chanInfo());
    return n;
  }

  private static long length(String s) {
    return s == null ? 0 : Utf8.length(s);
  }
}
