package dev.nines.eventtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.testing.Drivers;
import dev.nines.testing.Interleave;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Dedup}: every id counts once whatever the skew between upstream partitions, as long as
 * each duplicate is within the retention of its first copy and of its own partition's stream
 * time; ids are forgotten, and deleted, once the frontier of every partition is past them. The
 * expectation ("each id once") is independent of the processor; a small model of the window
 * store it replaced (ids forgotten by the largest timestamp seen) shows the input is skewed
 * enough to matter.
 */
class DedupTest {
  static final long R = 60_000;
  static final long T0 = 1_790_000_000_000L;
  static final long SPAN = 30 * 60_000;
  static final long INTERVAL = 10_000;
  static final long FAR = T0 + 365L * 86_400_000L;
  static final String STORE = "seen-ids";

  /** What an upstream task sends, in its order: an item (an id at a time), or a mark. */
  record Sent(int upstream, String id, long ts, Watermark mark) {}

  @Test
  void everyIdCountsOnceWhateverTheInterleavingOfSkewedPartitions() {
    int upstreams = 3;
    int runsTheOldRuleDoubles = 0;
    for (long seed = 1; seed <= 8; seed++) {
      List<List<Sent>> sent = traffic(new Random(seed), upstreams, 0, upstreams, 150, 0.3);
      long distinct =
          sent.stream()
              .flatMap(List::stream)
              .filter(s -> s.id() != null)
              .map(Sent::id)
              .distinct()
              .count();
      long items = sent.stream().flatMap(List::stream).filter(s -> s.id() != null).count();
      assertThat(items).as("seed %d has duplicates", seed).isGreaterThan(distinct + 50);
      List<List<Sent>> orders = new ArrayList<>();
      orders.add(concat(sent)); // one partition entirely before the next: a catch-up
      for (long order = 1; order <= 3; order++) {
        orders.add(interleave(sent, new Random(seed * 100 + order)));
      }
      for (int o = 0; o < orders.size(); o++) {
        Run run = run(0, upstreams, upstreams, orders.get(o));
        assertThat(run.counts())
            .as("seed %d, order %d: ids forwarded", seed, o)
            .hasSize((int) distinct)
            .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        if (oldRuleDoubles(orders.get(o)) > 0) {
          runsTheOldRuleDoubles++;
        }
      }
    }
    // the catch-up orders at least: forgetting by the largest timestamp counted duplicates twice
    assertThat(runsTheOldRuleDoubles).isGreaterThanOrEqualTo(8);
  }

  @Test
  void idsAreForgottenAndDeletedOnlyOnceEveryPartitionsFrontierIsTwoRetentionsPast() {
    List<Sent> in = new ArrayList<>();
    in.add(item(0, "a", T0));
    in.add(item(1, "b", T0 + 10_000));
    in.add(mark(0, T0 + 10 * R, 2));
    // partition 1 has not gone past: "a" is remembered
    in.add(item(1, "a", T0 + R));
    Run run = run(0, 2, 2, in);
    assertThat(run.counts()).isEqualTo(Map.of("a", 1, "b", 1));
    assertThat(run.ids()).isEqualTo(2);

    // partition 1 at T0 + 4R: the frontier is T0 + 4R, and every bucket ending by T0 + 2R is
    // forgotten, "a"'s and "b"'s among them
    in.add(mark(1, T0 + 4 * R, 2));
    in.add(item(1, "a", T0 + R)); // behind its own partition by 3R: not guaranteed, forgotten
    run = run(0, 2, 2, in);
    assertThat(run.counts()).isEqualTo(Map.of("a", 2, "b", 1));
    // "a" and "b" were deleted with the mark; the late "a" was not kept (its bucket is forgotten)
    assertThat(run.ids()).isZero();
    assertThat(run.marks()).containsOnlyKeys(0, 1);
    assertThat(run.marks().get(1).streamTime()).isEqualTo(T0 + 4 * R);
  }

  /**
   * At the edge of the guarantee: a first copy exactly 2R behind the frontier is still there for
   * a duplicate R after it, from a partition whose stream time is R past the duplicate; once the
   * frontier has moved its bucket wholly behind {@code F - 2R}, it is gone.
   */
  @Test
  void theFirstCopyIsKeptUntilItsBucketIsWhollyTwoRetentionsBehindTheFrontier() {
    long s = T0; // T0 is 20 s into its bucket
    long bucket = Math.floorDiv(s, R) * R;
    List<Sent> in = new ArrayList<>();
    in.add(item(0, "a", s));
    in.add(mark(0, s + 2 * R, 2));
    in.add(mark(1, s + 2 * R, 2));
    in.add(item(1, "a", s + R)); // R after the first copy, R behind partition 1
    assertThat(run(0, 2, 2, in).counts()).isEqualTo(Map.of("a", 1));
    assertThat(run(0, 2, 2, in).ids()).isEqualTo(1);
    // F - 2R = bucket + R: the bucket of "a" ends by it, "a" is forgotten and deleted; a copy now
    // (2R - 20 s behind partition 1) is beyond the guarantee and passes
    in.add(mark(0, bucket + 3 * R, 2));
    in.add(mark(1, bucket + 3 * R, 2));
    in.add(item(1, "a", s + R));
    Run run = run(0, 2, 2, in);
    assertThat(run.counts()).isEqualTo(Map.of("a", 2));
    // the first copy deleted; the new one kept, its bucket (bucket + R) not forgotten
    assertThat(run.ids()).isEqualTo(1);
  }

  /**
   * Timestamps at the end of the range: no overflow, no endless lookup (the first version looped
   * for ever on the "y" pair; in a separate thread so that such a loop fails the test).
   */
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void extremeTimestampsAreDeduplicatedToo() {
    List<Sent> in =
        List.of(
            item(0, "z", Long.MAX_VALUE - R / 2),
            item(0, "z", Long.MAX_VALUE),
            item(0, "y", Long.MAX_VALUE - R - 1),
            item(0, "y", Long.MAX_VALUE - 1));
    assertThat(run(0, 1, 1, in).counts()).isEqualTo(Map.of("z", 1, "y", 1));
  }

  /** The last bucket number is Long.MAX_VALUE with a 1 ms retention: the lookup still ends. */
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aOneMillisecondRetentionAtTheEndOfTimeEnds() {
    StreamsBuilder b = new StreamsBuilder();
    Dedup<String> dedup = new Dedup<>(STORE, s -> s, Duration.ofMillis(1), 0, 1, 1);
    b.addStateStore(dedup.storeBuilder());
    itemsThrough(b, dedup);
    try (TopologyTestDriver driver =
        new TopologyTestDriver(b.build(), Drivers.props("dedup-end-of-time"))) {
      var in = itemsIn(driver);
      in.pipeInput("k", Marked.item("z"), Long.MAX_VALUE);
      in.pipeInput("k", Marked.item("z"), Long.MAX_VALUE);
      in.pipeInput("k", Marked.item("y"), Long.MAX_VALUE - 1);
      assertThat(
              driver
                  .createOutputTopic(
                      "out", Serdes.String().deserializer(), Serdes.String().deserializer())
                  .readValuesToList())
          .containsExactly("z", "y");
    }
  }

  @Test
  void aBucketFoundEmptyIsReadAgainOnceAnIdIsPutInIt() {
    long b = Math.floorDiv(T0, R) * R;
    List<Sent> in =
        List.of(
            item(0, "a", b + 10), // looks at the next bucket too, and finds it empty
            item(0, "c", b + R + 10), // the first id put in that bucket
            item(0, "c", b + 20), // its duplicate, R - 10 earlier: found in the next bucket
            item(0, "a", b + R + 5)); // and one the other way round
    Run run = run(0, 1, 1, in);
    assertThat(run.counts()).isEqualTo(Map.of("a", 1, "c", 1));
    assertThat(run.forwardedItems()).isEqualTo(2);
  }

  @Test
  void aBacklogOfForgottenIdsIsDeletedABatchAtATime() {
    List<Sent> in = new ArrayList<>();
    int n = 10 * Dedup.EXPIRY_BATCH + 5;
    for (int i = 0; i < n; i++) {
      in.add(item(0, "old-" + i, T0 + i));
    }
    in.add(mark(0, T0 + 10 * R, 1));
    Run run = run(0, 1, 1, in);
    // one mark: one batch deleted
    assertThat(run.ids()).isEqualTo(n - Dedup.EXPIRY_BATCH);
    // new items delete two forgotten ids each, in batches
    for (int i = 0; i < n; i++) {
      in.add(item(0, "new-" + i, T0 + 10 * R + i));
    }
    run = run(0, 1, 1, in);
    assertThat(run.ids()).isEqualTo(n);
    assertThat(run.counts()).hasSize(2 * n);
  }

  @Test
  void marksOfOtherPartitionsOrAnotherLayoutDoNotMoveTheFrontier() {
    List<Sent> in = new ArrayList<>();
    in.add(item(2, "p", T0));
    // this dedup reads upstreams 2 and 3 of 4: marks of 0 and 1, and of a 6-partition layout,
    // say nothing about its input
    in.add(mark(0, FAR, 4));
    in.add(mark(1, FAR, 4));
    in.add(mark(2, FAR, 6));
    in.add(mark(3, FAR, 6));
    in.add(mark(2, T0 + 10 * R, 4));
    in.add(item(3, "p", T0 + R)); // partition 3 has sent no mark yet: "p" is remembered
    Run run = run(2, 4, 4, in);
    assertThat(run.counts()).isEqualTo(Map.of("p", 1));
    assertThat(run.marks()).containsOnlyKeys(2);
    assertThat(run.ids()).isEqualTo(1);
  }

  @Test
  void recordsWithoutAnIdAndMarksPassThrough() {
    List<Sent> in = List.of(item(0, null, T0), mark(0, T0, 1), item(0, "x", T0), item(0, "x", T0));
    Run run = run(0, 1, 1, in);
    assertThat(run.forwardedItems()).isEqualTo(2); // the null id and the first x
    assertThat(run.forwardedMarks()).isEqualTo(1);
  }

  @Test
  void aBadLayoutIsRefused() {
    assertThatThrownBy(() -> new Dedup<String>(STORE, s -> s, Duration.ofMinutes(1), 2, 2, 4))
        .hasMessageContaining("expected 0 <= from < to <= upstreams");
    assertThatThrownBy(() -> new Dedup<String>(STORE, s -> s, Duration.ZERO, 0, 1, 1))
        .hasMessageContaining("must be > 0");
    assertThatThrownBy(
            () -> new Dedup<String>(STORE, s -> s, Duration.ofMillis(Long.MAX_VALUE), 0, 1, 1))
        .hasMessageContaining("must be > 0 and at most");
  }

  // --- traffic: originals and duplicates over one event-time span per partition ---

  /**
   * Per upstream partition {@code from..to-1}: ids over {@link #SPAN}, each partition's own items
   * out of order by up to R/2; a share of them repeated within R, half of those on another
   * partition; marks as {@code WatermarkEmitter} sends them (every {@link #INTERVAL} of stream
   * time), and a last mark far ahead.
   */
  static List<List<Sent>> traffic(
      Random random, int upstreams, int from, int to, int perPartition, double duplicates) {
    List<List<long[]>> timed = new ArrayList<>(); // per partition, see jittered
    List<String> ids = new ArrayList<>();
    for (int u = from; u < to; u++) {
      timed.add(new ArrayList<>());
    }
    for (int u = from; u < to; u++) {
      for (int i = 0; i < perPartition; i++) {
        long ts = T0 + (long) (random.nextDouble() * SPAN);
        ids.add("m-" + u + "-" + i);
        timed.get(u - from).add(jittered(random, ts, ids.size() - 1));
        if (random.nextDouble() < duplicates) {
          int v = random.nextBoolean() ? u : from + random.nextInt(to - from);
          timed
              .get(v - from)
              .add(jittered(random, ts + (long) (random.nextDouble() * R), ids.size() - 1));
        }
      }
    }
    List<List<Sent>> out = new ArrayList<>();
    for (int u = from; u < to; u++) {
      List<long[]> seq = timed.get(u - from);
      // sorted by time with a jitter below R/2: out of order within the partition, as it comes
      seq.sort(Comparator.comparingLong(t -> t[2]));
      List<Sent> sent = new ArrayList<>();
      long streamTime = Long.MIN_VALUE;
      for (long[] t : seq) {
        sent.add(new Sent(u, ids.get((int) t[1]), t[0], null));
        long before = streamTime;
        streamTime = Math.max(streamTime, t[0]);
        if (before == Long.MIN_VALUE || streamTime / INTERVAL > before / INTERVAL) {
          sent.add(new Sent(u, null, 0, new Watermark(u, upstreams, streamTime, false)));
        }
      }
      sent.add(new Sent(u, null, 0, new Watermark(u, upstreams, FAR, false)));
      out.add(sent);
    }
    return out;
  }

  /** {ts, id index, ts plus a jitter below R/2 (the position in its partition)}. */
  static long[] jittered(Random random, long ts, int id) {
    return new long[] {ts, id, ts + (long) (random.nextDouble() * R / 2)};
  }

  static List<Sent> concat(List<List<Sent>> upstreams) {
    List<Sent> out = new ArrayList<>();
    upstreams.forEach(out::addAll);
    return out;
  }

  /** A random merge keeping each upstream's own order; runs of one upstream make skew. */
  static List<Sent> interleave(List<List<Sent>> upstreams, Random random) {
    return Interleave.randomRuns(upstreams, random, 120);
  }

  /**
   * The window store's rule, as a model: an id is kept for 2R behind the largest timestamp put,
   * and a record is a duplicate if a kept copy is within R. Returns how many ids it counts twice.
   */
  static int oldRuleDoubles(List<Sent> in) {
    Map<String, List<Long>> kept = new HashMap<>();
    Map<String, Integer> counts = new HashMap<>();
    long max = Long.MIN_VALUE;
    for (Sent s : in) {
      if (s.id() == null) {
        continue;
      }
      long horizon = max == Long.MIN_VALUE ? Long.MIN_VALUE : max - 2 * R;
      boolean dup =
          kept.getOrDefault(s.id(), List.of()).stream()
              .anyMatch(t -> t >= horizon && Math.abs(t - s.ts()) <= R);
      if (!dup && s.ts() >= horizon) {
        kept.computeIfAbsent(s.id(), k -> new ArrayList<>()).add(s.ts());
        max = Math.max(max, s.ts());
      }
      if (!dup) {
        counts.merge(s.id(), 1, Integer::sum);
      }
    }
    return (int) counts.values().stream().filter(n -> n > 1).count();
  }

  /**
   * The changelog holds the ids in batches, one per bucket and commit, never one record per id;
   * an expired bucket costs a tombstone per batch. Replayed into an empty store as a restore
   * does (batches expanded into their ids), it gives the store's ids of every bucket still kept.
   */
  @Test
  void idsAreLoggedInBatchesAndARestoreOfTheLogGivesTheStoreBack() {
    List<Sent> in = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      // 40 ids over four buckets, every fourth sent twice
      in.add(item(i % 2, "id-" + i, T0 + i * 6_000L));
      if (i % 4 == 0) {
        in.add(item((i + 1) % 2, "id-" + i, T0 + i * 6_000L + 1_000));
      }
    }
    // both partitions at T0 + 5R: the buckets ending by T0 + 3R are forgotten and deleted
    in.add(mark(0, T0 + 5 * R, 2));
    in.add(mark(1, T0 + 5 * R, 2));
    for (int i = 0; i < 8; i++) {
      in.add(item(0, "late-" + i, T0 + 5 * R + i * 1_000L));
    }
    Run run = run(0, 2, 2, in);

    assertThat(run.counts()).hasSize(48).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    assertThat(run.changelog())
        .as("no id logged by itself")
        .noneMatch(kv -> kv.key.get()[0] == DedupStore.ID);
    List<String> logged = new ArrayList<>();
    List<Bytes> batches = new ArrayList<>();
    for (KeyValue<Bytes, byte[]> kv : run.changelog()) {
      if (kv.key.get()[0] == DedupStore.BATCH && kv.value != null) {
        batches.add(kv.key);
        DedupStore.idsOf(kv.value).forEach(e -> logged.add(new String(e.getKey(), UTF_8)));
      }
    }
    // each id once, in a batch: the duplicates added nothing
    assertThat(logged).containsExactlyInAnyOrderElementsOf(run.counts().keySet());
    long forgetBelow = ByteBuffer.wrap(run.stored().get(Bytes.wrap(new byte[] {3}))).getLong();
    assertThat(forgetBelow).isEqualTo(Math.floorDiv(T0 + 3 * R, R) * R);
    List<Bytes> expired =
        batches.stream().filter(k -> DedupStore.bucketOf(k) < forgetBelow).toList();
    assertThat(expired).isNotEmpty();
    assertThat(run.changelog())
        .as("a tombstone for each expired batch")
        .filteredOn(kv -> kv.value == null)
        .extracting(kv -> kv.key)
        .containsExactlyInAnyOrderElementsOf(expired);

    // a restore: the log applied in order, each batch expanded as DedupStore.expand does
    Map<Bytes, byte[]> restored = new TreeMap<>();
    long offset = 0;
    for (KeyValue<Bytes, byte[]> kv : run.changelog()) {
      var record = new ConsumerRecord<>("changelog", 0, offset++, kv.key.get(), kv.value);
      for (var r : DedupStore.expand(record)) {
        if (r.value() == null) {
          restored.remove(Bytes.wrap(r.key()));
        } else {
          restored.put(Bytes.wrap(r.key()), r.value());
        }
      }
    }
    // the ids of expired batches stay in a restored store until the deletion passes them again
    restored
        .keySet()
        .removeIf(k -> k.get()[0] == DedupStore.ID && DedupStore.bucketOf(k) < forgetBelow);
    assertThat(restored.keySet()).isEqualTo(run.stored().keySet());
    restored.forEach((k, v) -> assertThat(v).as("%s", k).isEqualTo(run.stored().get(k)));
  }

  @Test
  void aBatchIsReadAsWrittenByHandAndAnythingElsePassesARestoreUnchanged() {
    long bucket = Math.floorDiv(T0, R) * R;
    byte[] value =
        ByteBuffer.allocate(2 + 3 + 8 + 2 + 1 + 8)
            .putShort((short) 3)
            .put("abc".getBytes(UTF_8))
            .putLong(T0)
            .putShort((short) 1)
            .put("x".getBytes(UTF_8))
            .putLong(T0 + 5)
            .array();
    byte[] key =
        ByteBuffer.allocate(17).put((byte) 4).putLong(bucket ^ Long.MIN_VALUE).putLong(7).array();
    assertThat(DedupStore.batchKey(bucket, 7).get()).isEqualTo(key);
    var batch = new ConsumerRecord<>("c", 1, 42L, key, value);
    var out = DedupStore.expand(batch);
    assertThat(out).hasSize(3);
    assertThat(out.get(0)).isSameAs(batch);
    byte[] abc =
        ByteBuffer.allocate(12)
            .put((byte) 1)
            .putLong(bucket ^ Long.MIN_VALUE)
            .put("abc".getBytes(UTF_8))
            .array();
    assertThat(out.get(1).key()).isEqualTo(abc);
    assertThat(out.get(1).value()).isEqualTo(ByteBuffer.allocate(8).putLong(T0).array());
    assertThat(out.get(2).value()).isEqualTo(ByteBuffer.allocate(8).putLong(T0 + 5).array());
    assertThat(out).allSatisfy(r -> assertThat(r.offset()).isEqualTo(42L));

    // an id an earlier version logged by itself, a mark, a batch's tombstone: as they are
    for (byte[] k : List.of(abc, new byte[] {2, 0, 0, 0, 1}, key)) {
      var r = new ConsumerRecord<>("c", 0, 1L, k, (byte[]) null);
      assertThat(DedupStore.expand(r)).containsExactly(r);
    }
    var old = new ConsumerRecord<>("c", 0, 1L, abc, new byte[8]);
    assertThat(DedupStore.expand(old)).containsExactly(old);

    byte[] truncated = Arrays.copyOf(value, value.length - 3);
    var bad = new ConsumerRecord<>("c", 0, 1L, key, truncated);
    assertThatThrownBy(() -> DedupStore.expand(bad))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("de-duplication batch");
  }

  /**
   * A store an earlier version wrote, its ids logged one by one: they are still found, and when
   * their buckets expire each gets its tombstone, as it did; an id of this version's batches, in
   * a later bucket, is deleted locally, and its batch gets the tombstone.
   */
  @Test
  void idsAnEarlierVersionLoggedOneByOneAreFoundAndExpireWithTheirTombstones() {
    long b0 = Math.floorDiv(T0, R) * R;
    StreamsBuilder b = new StreamsBuilder();
    Dedup<String> dedup = new Dedup<>(STORE, s -> s, Duration.ofMillis(R), 0, 1, 1);
    b.addStateStore(dedup.storeBuilder());
    // what an earlier version left: each id under its own key, logged as it was put
    b.stream("legacy", Consumed.with(Serdes.String(), Serdes.Long()))
        .process(idsWrittenDirectly(), Named.as("earlier-version"), STORE);
    b.stream("in", Consumed.with(Serdes.String(), MarkedSerde.of(Serdes.String())))
        .process(dedup, Named.as("dedup"), STORE)
        .filter((k, m) -> m instanceof Marked.Item<String>)
        .mapValues(m -> ((Marked.Item<String>) m).value())
        .to("out", Produced.with(Serdes.String(), Serdes.String()));
    try (TopologyTestDriver driver =
        new TopologyTestDriver(b.build(), Drivers.props("dedup-test"))) {
      var legacy =
          driver.createInputTopic(
              "legacy", Serdes.String().serializer(), Serdes.Long().serializer());
      legacy.pipeInput("old-1", T0);
      legacy.pipeInput("old-2", T0 + 1_000);
      legacy.pipeInput("old-3", T0 + R);
      var in = itemsIn(driver);
      pipe(
          in,
          List.of(
              item(0, "old-2", T0 + 2_000), // a duplicate of what the earlier version saw
              item(0, "new-1", T0 + 2 * R),
              mark(0, T0 + 10 * R, 1))); // every bucket up to T0 + 8R forgotten and deleted
      assertThat(
              driver
                  .createOutputTopic(
                      "out", Serdes.String().deserializer(), Serdes.String().deserializer())
                  .readValuesToList())
          .containsExactly("new-1");
      List<KeyValue<Bytes, byte[]>> log = changelog(driver);
      // the bound: the newest bucket holding an id when this version added its first
      byte[] bound =
          log.stream().filter(kv -> kv.key.get()[0] == 6).findFirst().orElseThrow().value;
      assertThat(ByteBuffer.wrap(bound).getLong()).isEqualTo(b0 + R);
      List<Bytes> tombstones =
          log.stream().filter(kv -> kv.value == null).map(kv -> kv.key).toList();
      assertThat(tombstones)
          .containsExactlyInAnyOrder(
              DedupStore.idKey(b0, "old-1".getBytes(UTF_8)),
              DedupStore.idKey(b0, "old-2".getBytes(UTF_8)),
              DedupStore.idKey(b0 + R, "old-3".getBytes(UTF_8)),
              DedupStore.batchKey(b0 + 2 * R, 0));
      DedupStore store = (DedupStore) driver.getStateStore(STORE);
      try (var it = store.all()) {
        List<Byte> kinds = new ArrayList<>();
        it.forEachRemaining(kv -> kinds.add(kv.key.get()[0]));
        // no id and no batch left: the mark, the forgetting point, the batch number, the bound
        assertThat(kinds).containsExactly((byte) 2, (byte) 3, (byte) 5, (byte) 6);
      }
    }
  }

  /** The "in" topic of these tests: items and marks of strings, under string keys. */
  static TestInputTopic<String, Marked<String>> itemsIn(TopologyTestDriver driver) {
    return driver.createInputTopic(
        "in", Serdes.String().serializer(), MarkedSerde.of(Serdes.String()).serializer());
  }

  /** Items from "in" through {@code dedup} (its store already added) to "out", as their values. */
  static void itemsThrough(StreamsBuilder b, Dedup<String> dedup) {
    b.stream("in", Consumed.with(Serdes.String(), MarkedSerde.of(Serdes.String())))
        .process(dedup, Named.as("dedup"), STORE)
        .mapValues(m -> ((Marked.Item<String>) m).value())
        .to("out", Produced.with(Serdes.String(), Serdes.String()));
  }

  /**
   * Writes each id (the key) seen at its time (the value) straight into the store, logged one by
   * one: what an earlier version left, or ids a restore put there before the de-duplication looks.
   */
  static ProcessorSupplier<String, Long, Void, Void> idsWrittenDirectly() {
    return () ->
        new Processor<>() {
          private DedupStore store;

          @Override
          public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(STORE);
          }

          @Override
          public void process(Record<String, Long> r) {
            store.putLogged(
                DedupStore.idKey(Math.floorDiv(r.value(), R) * R, r.key().getBytes(UTF_8)),
                ByteBuffer.allocate(8).putLong(r.value()).array());
          }
        };
  }

  static Sent item(int u, String id, long ts) {
    return new Sent(u, id, ts, null);
  }

  /** A mark of partition u of a layout of {@code partitions}. */
  static Sent mark(int u, long streamTime, int partitions) {
    return new Sent(u, null, 0, new Watermark(u, partitions, streamTime, false));
  }

  // --- the processor ---

  /**
   * @param stored the store's keys and values at the end
   * @param changelog what the store wrote to its changelog, in order (value null: a tombstone)
   */
  record Run(
      Map<String, Integer> counts,
      long forwardedItems,
      long forwardedMarks,
      long ids,
      Map<Integer, Watermark> marks,
      Map<Bytes, byte[]> stored,
      List<KeyValue<Bytes, byte[]>> changelog) {}

  /** Each sent item or mark into {@code in}, items with their upstream partition's header. */
  static void pipe(TestInputTopic<String, Marked<String>> in, List<Sent> input) {
    for (Sent s : input) {
      RecordHeaders headers = new RecordHeaders();
      if (s.mark() == null) {
        headers.add(Marked.UPSTREAM_HEADER, ByteBuffer.allocate(4).putInt(s.upstream()).array());
        in.pipeInput(
            new TestRecord<>("k", Marked.item(s.id() == null ? "null" : s.id()), headers, s.ts()));
      } else {
        Watermark m = s.mark();
        in.pipeInput(
            new TestRecord<>(
                Marked.MARK_KEY, Marked.<String>mark(m), headers, Math.max(0, m.streamTime())));
      }
    }
  }

  /**
   * A batch is read entry by entry: each entry leaves as the record it would have been alone
   * (its key, timestamp and value, the batch's headers), and a duplicate is dropped whether its
   * first copy came in a batch or alone.
   */
  @Test
  void batchesAreReadEntryByEntryWithTheirOwnKeysAndTimestamps() {
    StreamsBuilder b = new StreamsBuilder();
    Dedup<String> dedup = new Dedup<>(STORE, s -> s, Duration.ofMillis(R), 0, 1, 1);
    b.addStateStore(dedup.storeBuilder());
    itemsThrough(b, dedup);
    try (TopologyTestDriver driver =
        new TopologyTestDriver(b.build(), Drivers.props("dedup-batch-test"))) {
      var in = itemsIn(driver);
      var headers = new RecordHeaders().add("from", "upstream-3".getBytes(UTF_8));
      Marked<String> batch =
          new Marked.Batch<>(
              0,
              List.of(
                  new Marked.Entry<>("k1", 1_000, "a"),
                  new Marked.Entry<>("k2", 2_000, "b"),
                  new Marked.Entry<>("k1", 3_000, "a"))); // a within the batch: dropped
      in.pipeInput(new TestRecord<>("batch-key", batch, headers, 5_000L));
      in.pipeInput("k2", Marked.item("b"), 4_000); // seen in the batch: dropped
      in.pipeInput("k3", Marked.item("c"), 4_500);

      List<TestRecord<String, String>> out =
          driver
              .createOutputTopic(
                  "out", Serdes.String().deserializer(), Serdes.String().deserializer())
              .readRecordsToList();
      assertThat(out)
          .extracting(r -> r.key() + "=" + r.value() + "@" + r.timestamp())
          .containsExactly("k1=a@1000", "k2=b@2000", "k3=c@4500");
      assertThat(new String(out.get(0).headers().lastHeader("from").value(), UTF_8))
          .isEqualTo("upstream-3");
      assertThat(out.get(2).headers().lastHeader("from")).isNull();

      // a batch for another partition reached the wrong task: not read as if it were this one's
      Marked<String> misrouted = new Marked.Batch<>(1, List.of(new Marked.Entry<>("k4", 1, "d")));
      assertThatThrownBy(() -> in.pipeInput("batch-key", misrouted, 6_000))
          .hasStackTraceContaining("a batch for partition 1 read by the task of 0");
    }
  }

  /** What the store wrote to its changelog, in order (value null: a tombstone). */
  static List<KeyValue<Bytes, byte[]>> changelog(TopologyTestDriver driver) {
    List<KeyValue<Bytes, byte[]>> log = new ArrayList<>();
    driver
        .createOutputTopic(
            "dedup-test-" + STORE + "-changelog",
            Serdes.Bytes().deserializer(),
            Serdes.ByteArray().deserializer())
        .readRecordsToList()
        .forEach(r -> log.add(KeyValue.pair(r.key(), r.value())));
    return log;
  }

  static Run run(int from, int to, int upstreams, List<Sent> input) {
    StreamsBuilder b = new StreamsBuilder();
    Dedup<String> dedup =
        new Dedup<>(
            STORE, s -> s.startsWith("null") ? null : s, Duration.ofMillis(R), from, to, upstreams);
    b.addStateStore(dedup.storeBuilder());
    b.stream("in", Consumed.with(Serdes.String(), MarkedSerde.of(Serdes.String())))
        .process(dedup, Named.as("dedup"), STORE)
        .mapValues(m -> m instanceof Marked.Item<String> i ? "item:" + i.value() : "mark")
        .to("out", Produced.with(Serdes.String(), Serdes.String()));
    Properties props = Drivers.props("dedup-test");
    try (TopologyTestDriver driver = new TopologyTestDriver(b.build(), props)) {
      var in = itemsIn(driver);
      pipe(in, input);
      Map<String, Integer> counts = new TreeMap<>();
      long items = 0;
      long marks = 0;
      for (TestRecord<String, String> r :
          driver
              .createOutputTopic(
                  "out", Serdes.String().deserializer(), Serdes.String().deserializer())
              .readRecordsToList()) {
        if (r.value().startsWith("item:")) {
          items++;
          String id = r.value().substring(5);
          if (!id.equals("null")) {
            counts.merge(id, 1, Integer::sum);
          }
        } else {
          marks++;
        }
      }
      DedupStore store = (DedupStore) driver.getStateStore(STORE);
      long ids = 0;
      Map<Bytes, byte[]> stored = new TreeMap<>();
      try (var it = store.all()) {
        while (it.hasNext()) {
          var kv = it.next();
          stored.put(kv.key, kv.value);
          if (kv.key.get()[0] == 1) {
            ids++;
          }
        }
      }
      List<KeyValue<Bytes, byte[]>> changelog = changelog(driver);
      return new Run(counts, items, marks, ids, Dedup.marksIn(store), stored, changelog);
    }
  }
}
