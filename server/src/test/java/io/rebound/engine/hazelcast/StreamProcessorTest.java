package io.rebound.engine.hazelcast;

import static io.rebound.engine.hazelcast.WireRoundTrip.bytes;
import static io.rebound.engine.hazelcast.WireRoundTrip.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.EntryProcessor;
import io.rebound.core.Publication;
import io.rebound.engine.PublicationCodec;
import io.rebound.testing.Await;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The entry processors without a cluster: what the owner ships to the backup, replayed on the backup's
 * copy, must give byte-identical state, including the epoch of a stream the owner created.
 */
class StreamProcessorTest {

  /** A replicated entry: the owner's copy and the backup's copy, equal to start with. */
  private final class Replica {
    final FakeMapEntry<String, StoredStream> owner = new FakeMapEntry<>("ch");
    final FakeMapEntry<String, StoredStream> backup = new FakeMapEntry<>("ch");

    <R> R run(EntryProcessor<String, StoredStream, R> processor) {
      // Processors travel serialised; so does what the owner hands to the backup.
      EntryProcessor<String, StoredStream, R> onOwner = roundTrip(processor);
      R result = onOwner.process(owner);
      EntryProcessor<String, StoredStream, R> backupProcessor = onOwner.getBackupProcessor();
      if (backupProcessor != null) roundTrip(backupProcessor).process(backup);
      return result;
    }

    void assertInSync() {
      assertThat(bytes(backup.value)).isEqualTo(bytes(owner.value));
    }
  }

  @Test
  void appendCreatesTheSameStreamWithTheSameEpochOnTheBackup() {
    Replica replica = new Replica();
    AppendOutcome first = replica.run(append("{\"n\":1}", 10, 60_000, "k1"));
    for (int i = 2; i <= 15; i++) replica.run(append("{\"n\":" + i + "}", 10, 60_000, null));
    replica.run(append("{\"n\":1}", 10, 60_000, "k1"));
    replica.assertInSync();
    assertThat(first.toResult().position().offset()).isEqualTo(1);
    assertThat(replica.backup.value.epoch()).isEqualTo(first.toResult().position().epoch());
    assertThat(replica.backup.value.top()).isEqualTo(15);
    assertThat(replica.backup.value.size()).isEqualTo(10);
    assertThat(replica.owner.ttlMs).isGreaterThan(60_000);
  }

  @Test
  void readOfAnUnknownStreamStoresItsEpochOnBothCopies() {
    Replica replica = new Replica();
    ReadOutcome read = replica.run(new ReadProcessor(ReadProcessor.NO_SINCE, 0, false, 60_000));
    replica.assertInSync();
    assertThat(replica.backup.value.epoch()).isEqualTo(read.toResult().top().epoch());
  }

  @Test
  void readOfALiveStreamNeedsNoBackup() {
    Replica replica = new Replica();
    replica.run(append("{}", 10, 60_000, null));
    ReadProcessor read = roundTrip(new ReadProcessor(ReadProcessor.NO_SINCE, -1, false, 60_000));
    read.process(replica.owner);
    assertThat(read.getBackupProcessor()).isNull();
  }

  @Test
  void expiredStreamIsReplacedIdenticallyOnBothCopies() {
    Replica replica = new Replica();
    AppendOutcome old = replica.run(append("{}", 10, 1, null));
    long created = System.currentTimeMillis();
    Await.until("the 1 ms TTL to pass", Duration.ofSeconds(5), () -> System.currentTimeMillis() > created + 2);
    AppendOutcome reborn = replica.run(append("{}", 10, 60_000, null));
    replica.assertInSync();
    assertThat(reborn.toResult().position().offset()).isEqualTo(1);
    assertThat(reborn.toResult().position().epoch()).isNotEqualTo(old.toResult().position().epoch());
  }

  private static AppendProcessor append(String data, int size, long ttlMs, String key) {
    return new AppendProcessor(PublicationCodec.encode(Publication.of(data)), size, ttlMs, ttlMs, key);
  }
}
