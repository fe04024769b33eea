package io.rebound.engine.hazelcast;

import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;

/** Hazelcast serialisation through {@link EngineSerializerFactory} without a cluster, as objects travel between members. */
final class WireRoundTrip {

  private static final InternalSerializationService SERIALIZATION = new DefaultSerializationServiceBuilder()
      .addDataSerializableFactory(EngineSerializerFactory.FACTORY_ID, new EngineSerializerFactory()).build();

  private WireRoundTrip() {}

  /** {@code object} serialised and read back, as a member receives it. */
  static <T> T roundTrip(T object) {
    return SERIALIZATION.toObject(SERIALIZATION.toData(object));
  }

  /** The serialised form of {@code object}; empty for null. */
  static byte[] bytes(Object object) {
    return object == null ? new byte[0] : SERIALIZATION.toData(object).toByteArray();
  }
}
