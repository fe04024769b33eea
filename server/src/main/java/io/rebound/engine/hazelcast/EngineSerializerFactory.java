package io.rebound.engine.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.SerializationConfig;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * Creates every object the Hazelcast engine stores or sends (history streams and their processors,
 * sync positions, presence) by id, so Hazelcast never falls back to Java serialisation for them.
 * Registered in {@code cluster.xml} ({@code <data-serializable-factory factory-id="7421">}) or with
 * {@link #register(Config)}.
 *
 * <p>The ids are part of the stored and wire format of a running cluster: never renumber them, only
 * add new ones, or a rolling upgrade could not read the streams of members on the older version.
 */
public final class EngineSerializerFactory implements DataSerializableFactory {

  public static final int FACTORY_ID = 7421;

  static final int STORED_STREAM = 1;
  static final int APPEND_PROCESSOR = 2;
  static final int READ_PROCESSOR = 3;
  static final int REMOVE_PROCESSOR = 4;
  static final int SWEEP_PROCESSOR = 5;
  static final int APPEND_OUTCOME = 6;
  static final int READ_OUTCOME = 7;
  static final int SYNC_POSITION = 8;
  static final int SYNC_ADVANCE_PROCESSOR = 9;
  static final int STORED_PRESENCE = 10;
  static final int PRESENCE_PROCESSOR = 11;
  static final int STREAM_MERGE_POLICY = 12;

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    return switch (typeId) {
      case STORED_STREAM -> new StoredStream();
      case APPEND_PROCESSOR -> new AppendProcessor();
      case READ_PROCESSOR -> new ReadProcessor();
      case REMOVE_PROCESSOR -> new RemoveProcessor();
      case SWEEP_PROCESSOR -> new SweepProcessor();
      case APPEND_OUTCOME -> new AppendOutcome();
      case READ_OUTCOME -> new ReadOutcome();
      case SYNC_POSITION -> new StoredSyncPosition();
      case SYNC_ADVANCE_PROCESSOR -> new AdvanceSyncProcessor();
      case STORED_PRESENCE -> new StoredPresence();
      case PRESENCE_PROCESSOR -> new PresenceProcessor();
      case STREAM_MERGE_POLICY -> new StreamMergePolicy();
      default -> throw new IllegalArgumentException("unknown rebound Hazelcast type id " + typeId);
    };
  }

  /**
   * Adds this factory to a programmatically built {@code config} unless it is already there (by
   * class name from cluster.xml, or as an instance). Must run before the member starts.
   */
  public static Config register(Config config) {
    SerializationConfig serialization = config.getSerializationConfig();
    boolean present = serialization.getDataSerializableFactoryClasses().containsKey(FACTORY_ID)
        || serialization.getDataSerializableFactories().containsKey(FACTORY_ID);
    if (!present) serialization.addDataSerializableFactory(FACTORY_ID, new EngineSerializerFactory());
    return config;
  }
}
