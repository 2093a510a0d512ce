package dev.nines.eventtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The ids one task added to one time bucket of {@link Dedup}, in heap: "certainly not added" or
 * "maybe". A chain of blocked Bloom filters, each four times the capacity of the one before, so
 * that it needs no count in advance.
 *
 * <pre>
 * mightContain(h) = EXISTS f IN chain: all 7 bits of h set in f's block of h
 * </pre>
 *
 * <p>Why blocked: a new id is looked up in every filter of two or three buckets. In a classic Bloom
 * filter (Guava's) each of its bits is a random place in an array of megabytes, a cache miss
 * each; here they are all in one 64-byte block. At 10 bits per id about 1 % of the ids never
 * added answer "maybe" (they cost the store read they cost without a filter); an id added always
 * answers "maybe".
 */
final class IdFilter {
  /** The first filter's capacity when no better guess is given. */
  static final int MIN_CAPACITY = 1 << 16;

  static final int BITS_PER_ID = 10;
  private static final int PROBES = 7;
  // 512 bits, a cache line's worth (an array is not aligned to lines: one or two of them)
  private static final int LONGS_PER_BLOCK = 8;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final List<long[]> chain = new ArrayList<>();
  private long capacity; // of the newest filter
  private long inNewest;
  private long added;
  private long bytes;

  /** A filter for about {@code expected} ids in its first link (at least {@link #MIN_CAPACITY}). */
  IdFilter(long expected) {
    grow(firstCapacity(expected));
  }

  /** The capacity of the first link of a filter made for {@code expected} ids. */
  static long firstCapacity(long expected) {
    return Math.max(MIN_CAPACITY, expected);
  }

  /** The heap its bit arrays take. */
  long bytes() {
    return bytes;
  }

  /** Ids added. */
  long added() {
    return added;
  }

  /** The bytes {@link #add} would allocate next (0 while the newest filter has room). */
  long bytesOfNextAdd() {
    return inNewest < capacity ? 0 : bytesFor(4 * capacity);
  }

  /** Adds the id of hash {@code h} ({@link #hash}); grows the chain when the newest is full. */
  void add(long h) {
    if (inNewest >= capacity) {
      grow(4 * capacity);
    }
    long[] bits = chain.get(chain.size() - 1);
    int base = block(h, bits.length);
    long g = mix(h ^ 0x632BE59BD9B4E019L);
    for (int i = 0; i < PROBES; i++) {
      int bit = (int) (g >>> (9 * i)) & 511;
      bits[base + (bit >>> 6)] |= 1L << bit;
    }
    inNewest++;
    added++;
  }

  /** False only if the id of hash {@code h} was never added. */
  boolean mightContain(long h) {
    long g = mix(h ^ 0x632BE59BD9B4E019L);
    for (int c = chain.size() - 1; c >= 0; c--) {
      long[] bits = chain.get(c);
      int base = block(h, bits.length);
      boolean all = true;
      for (int i = 0; i < PROBES && all; i++) {
        int bit = (int) (g >>> (9 * i)) & 511;
        all = (bits[base + (bit >>> 6)] & (1L << bit)) != 0;
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  private void grow(long newCapacity) {
    long blocks = Math.max(1, (newCapacity * BITS_PER_ID + 511) / 512);
    if (blocks * LONGS_PER_BLOCK > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("id filter of " + newCapacity + " ids: too large");
    }
    chain.add(new long[(int) (blocks * LONGS_PER_BLOCK)]);
    capacity = newCapacity;
    inNewest = 0;
    bytes += blocks * LONGS_PER_BLOCK * Long.BYTES;
  }

  /** The heap a filter of {@code capacity} ids takes. */
  static long bytesFor(long capacity) {
    return Math.max(1, (capacity * BITS_PER_ID + 511) / 512) * LONGS_PER_BLOCK * Long.BYTES;
  }

  /** The first long of {@code h}'s block in an array of {@code longs}. */
  private static int block(long h, int longs) {
    int blocks = longs / LONGS_PER_BLOCK;
    // the high half of h times the block count: an even spread without a division
    return (int) (((h >>> 32) * blocks) >>> 32) * LONGS_PER_BLOCK;
  }

  /** A 64-bit hash of {@code id}'s bytes, computed once per lookup and shared by every filter. */
  static long hash(byte[] id) {
    long h = 0x9E3779B97F4A7C15L ^ (id.length * 0xC2B2AE3D27D4EB4FL);
    int i = 0;
    for (; i + Long.BYTES <= id.length; i += Long.BYTES) {
      h = Long.rotateLeft(h ^ mix((long) LONGS.get(id, i)), 27) * 5 + 0x52DCE729;
    }
    long tail = 0;
    for (int j = id.length - 1; j >= i; j--) {
      tail = (tail << 8) | (id[j] & 0xFF);
    }
    return mix(h ^ mix(tail));
  }

  /** MurmurHash3's 64-bit finaliser: every input bit moves about half of the output bits. */
  private static long mix(long x) {
    x ^= x >>> 33;
    x *= 0xFF51AFD7ED558CCDL;
    x ^= x >>> 33;
    x *= 0xC4CEB9FE1A85EC53L;
    x ^= x >>> 33;
    return x;
  }
}
