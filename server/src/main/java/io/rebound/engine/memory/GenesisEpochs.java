package io.rebound.engine.memory;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The epoch a channel's stream will be created with, known before the stream exists, so that a read
 * of a channel without a stream can answer a position that the first append keeps — without
 * creating anything per channel (a read of an unknown channel must cost no memory: 100,000 reads of
 * made-up names would otherwise create 100,000 streams).
 *
 * <p>Channels are hashed into {@link #BUCKETS} buckets; each bucket has one current epoch, which a
 * new stream of any of its channels takes. When a stream dies (expired, evicted) while its epoch is
 * still its bucket's current one, the bucket moves on to a fresh random epoch, so:
 *
 * <ul>
 *   <li>a stream created again after it died never gets its old epoch back (clients of the old one
 *       learn {@code recovered: false}, never a replay of another stream's offsets);
 *   <li>a reader that saw no stream at {@code (0, E)} continues across the first publication when
 *       the stream is created with {@code E}, which proves that no stream of that channel lived and
 *       died in between — if one did, the bucket has moved on and the reader is told it cannot
 *       recover. A death of another channel of the same bucket moves it on too: a reader of a
 *       channel whose stream did not exist yet may then be told {@code recovered: false} although
 *       it missed nothing — a false alarm, never a silent gap.
 * </ul>
 *
 * Bounded: {@link #BUCKETS} longs (512 KiB), whatever the number of channels. Thread-safe, lock-free.
 */
final class GenesisEpochs {

  /** Buckets of channels sharing a current epoch; more buckets make a false alarm rarer. */
  static final int BUCKETS = 1 << 16;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final int EPOCH_CHARS = 8;

  // 0 = not chosen yet; a bucket gets its first epoch when a channel of it is first asked about.
  private final AtomicLongArray epochs = new AtomicLongArray(BUCKETS);

  /** The epoch a stream of {@code channel} created now gets. */
  String current(String channel) {
    return format(currentBits(bucket(channel)));
  }

  /** A stream of {@code channel} with {@code epoch} died: its bucket moves on if that epoch is still current. */
  void died(String channel, String epoch) {
    int bucket = bucket(channel);
    long bits = epochs.get(bucket);
    if (bits != 0 && format(bits).equals(epoch)) epochs.compareAndSet(bucket, bits, fresh(bits));
  }

  private long currentBits(int bucket) {
    long bits = epochs.get(bucket);
    if (bits != 0) return bits;
    epochs.compareAndSet(bucket, 0, fresh(0));
    return epochs.get(bucket);
  }

  private static int bucket(String channel) {
    int h = channel.hashCode();
    return (h ^ (h >>> 16)) & (BUCKETS - 1);
  }

  /** A random non-zero value whose epoch differs from {@code previous}'s. */
  private static long fresh(long previous) {
    long bits;
    do {
      bits = RANDOM.nextLong();
    } while (bits == 0 || (previous != 0 && format(bits).equals(format(previous))));
    return bits;
  }

  /** Eight characters of the alphabet {@link io.rebound.core.Epochs} uses (~47 random bits). */
  private static String format(long bits) {
    char[] out = new char[EPOCH_CHARS];
    long rest = bits & Long.MAX_VALUE;
    for (int i = 0; i < EPOCH_CHARS; i++) {
      out[i] = ALPHABET[(int) (rest % ALPHABET.length)];
      rest /= ALPHABET.length;
    }
    return new String(out);
  }
}
