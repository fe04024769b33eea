package io.rebound.engine.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import com.hazelcast.spi.merge.MergingEntry;
import io.rebound.core.Epochs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The split-brain merge policy of the {@code rebound.history.*} maps (cluster.xml {@code <merge-policy>}): when a
 * partitioned cluster heals, each stream of the side that merges in is reconciled with the joined side's copy by
 * {@link StreamMerge} — the longer copy when one provably continues the other, else the joined side's copy under a new
 * epoch. Hazelcast's default ({@code PutIfAbsentMergePolicy}) would keep the joined side's copy as it is, so a reader
 * of the other side could be handed another publication at an offset it already had.
 *
 * <p>Needs only the key and the values ({@link MergingEntry}), so the map needs no per-entry statistics. Runs on the
 * partition thread of the key's owner in the joined cluster; stateless. Every decision other than
 * keeping the existing copy is logged ({@code event=history_merge}), once per stream.
 */
public final class StreamMergePolicy implements SplitBrainMergePolicy<StoredStream, MergingEntry<Object, StoredStream>, Object>,
    IdentifiedDataSerializable {

  private static final Logger LOG = LoggerFactory.getLogger(StreamMergePolicy.class);

  /** For Hazelcast (configuration by class name, deserialisation). */
  public StreamMergePolicy() {}

  @Override
  public Object merge(MergingEntry<Object, StoredStream> merging, MergingEntry<Object, StoredStream> existing) {
    StoredStream theirs = merging.getValue();
    StoredStream ours = existing == null ? null : existing.getValue();
    StreamMerge.Result r = StreamMerge.decide(theirs, ours, System.currentTimeMillis(), Epochs::next);
    switch (r.outcome()) {
      case KEPT_EXISTING:
        return existing.getRawValue();
      case TOOK_MERGING:
        LOG.info("event=history_merge channel={} outcome=took_merging epoch={} top={} existing_top={}", merging.getKey(),
            theirs.epoch(), theirs.top(), ours == null ? "none" : ours.top());
        return merging.getRawValue();
      case NEW_EPOCH:
        LOG.warn("event=history_merge channel={} outcome=new_epoch reason=\"histories diverged or cannot be compared\""
            + " previous_epoch={} epoch={} top={} merging_top={}", merging.getKey(), r.previousEpoch(), r.value().epoch(),
            r.value().top(), theirs.top());
        return r.value();
      default:
        return null;
    }
  }

  @Override
  public int getFactoryId() {
    return EngineSerializerFactory.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return EngineSerializerFactory.STREAM_MERGE_POLICY;
  }

  @Override
  public void writeData(ObjectDataOutput out) {
    // stateless
  }

  @Override
  public void readData(ObjectDataInput in) {
    // stateless
  }
}
