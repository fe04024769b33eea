package io.rebound.engine.hazelcast;

import com.hazelcast.map.ExtendedMapEntry;
import java.util.concurrent.TimeUnit;

/**
 * A map entry as Hazelcast hands it to an entry processor, without a cluster: it keeps the value
 * and remembers the TTL it was last stored with ({@code -1} until a TTL is set), so processor tests
 * can replay what the owner and the backup do.
 */
final class FakeMapEntry<K, V> implements ExtendedMapEntry<K, V> {

  private final K key;
  V value;
  long ttlMs = -1;

  FakeMapEntry(K key) {
    this.key = key;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    return value;
  }

  @Override
  public V setValue(V v) {
    V old = value;
    value = v;
    return old;
  }

  @Override
  public V setValue(V v, long ttl, TimeUnit unit) {
    ttlMs = unit.toMillis(ttl);
    return setValue(v);
  }

  @Override
  public V setValueWithoutChangingExpiryTime(V v) {
    return setValue(v);
  }
}
