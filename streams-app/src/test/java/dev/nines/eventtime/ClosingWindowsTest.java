package dev.nines.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.testing.Drivers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * {@link ClosingWindows} against Kafka Streams' own emit-on-close window aggregation: the same
 * random input through both must give the same windows, values, timestamps and order.
 */
class ClosingWindowsTest {
  static final Duration SIZE = Duration.ofSeconds(60);
  static final Duration GRACE = Duration.ofSeconds(30);
  // small event times: the DSL's first emission walks its cache from time 0 (see ClosingWindows)
  static final long T0 = 10 * 60_000L;

  /** One emitted window: key, start, sum, record timestamp. */
  record Out(String key, long start, long sum, long timestamp) {}

  record In(String key, long value, long timestamp) {}

  @Test
  void sameWindowsAsKafkaStreamsEmitOnClose() {
    for (long seed = 1; seed <= 25; seed++) {
      List<In> input = randomInput(new Random(seed), 300);
      List<Out> dsl = run(dslTopology(), input, "dsl-out");
      List<Out> own = run(ownTopology("open-" + seed), input, "own-out");
      assertThat(dsl).as("seed %d emits windows", seed).isNotEmpty();
      assertThat(own).as("seed %d", seed).containsExactlyElementsOf(dsl);
    }
  }

  @Test
  void aWindowIsKeptUntilItClosesWhateverTheGapInEventTime() {
    // three weeks without records for any key: the window still closes, and is emitted, once
    List<In> input =
        List.of(
            new In("a", 1, T0),
            new In("a", 2, T0 + 10_000),
            new In("b", 5, T0 + Duration.ofDays(21).toMillis()));
    assertThat(run(ownTopology("open-gap"), input, "own-out"))
        .containsExactly(new Out("a", T0, 3, T0 + 10_000));
  }

  @Test
  void aLateRecordIsDroppedAndCounted() {
    List<In> input =
        List.of(
            new In("a", 1, T0),
            new In("a", 1, T0 + 90_000),
            new In("a", 100, T0 + 10_000), // its window [T0, T0+60s) closed at T0+90s
            new In("b", 100, T0 + 59_999)); // the same window of another key: late too
    try (TopologyTestDriver driver = new TopologyTestDriver(ownTopology("open-late"), props())) {
      List<Out> out = pipe(driver, input, "own-out");
      assertThat(out).containsExactly(new Out("a", T0, 1, T0));
      assertThat(driver.metrics().entrySet())
          .anySatisfy(
              e -> {
                assertThat(e.getKey().name()).isEqualTo(ClosingWindows.LATE_METRIC);
                assertThat(e.getKey().group()).isEqualTo(ClosingWindows.METRIC_GROUP);
                assertThat(e.getValue().metricValue()).isEqualTo(2.0);
              });
    }
  }

  @Test
  void moreOpenWindowsThanTheCacheKeepsAcrossCommits() {
    // the driver commits after each record: every window is kept as an object after its commit
    // until more than OpenWindowStore.KEEP_AFTER_COMMIT are, then read back from the store
    // the first 100 keys get a second record once the cache has been emptied
    int keys = OpenWindowStore.KEEP_AFTER_COMMIT + 100;
    int again = 100;
    List<In> input = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      input.add(new In("k" + k, 1, T0 + 1_000));
    }
    for (int k = 0; k < again; k++) {
      input.add(new In("k" + k, 2, T0 + 2_000));
    }
    input.add(new In("end", 0, T0 + 200_000));
    List<Out> expected = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      expected.add(
          k < again ? new Out("k" + k, T0, 3, T0 + 2_000) : new Out("k" + k, T0, 1, T0 + 1_000));
    }
    // one window start: emitted in key byte order, which for these ASCII keys is String order
    expected.sort((a, b) -> a.key().compareTo(b.key()));
    assertThat(run(ownTopology("open-many"), input, "own-out")).containsExactlyElementsOf(expected);
  }

  @Test
  void everyCommitWritesTheOpenWindowsToTheChangelog() {
    // the driver commits after each record; the object cache must be written by then, or a
    // crash after the commit would lose the window (OpenWindowStore#flushCache)
    try (TopologyTestDriver driver = new TopologyTestDriver(ownTopology("open-log"), props())) {
      pipe(driver, List.of(new In("a", 4, T0 + 1_000)), "own-out");
      pipe(driver, List.of(new In("a", 3, T0 + 2_000)), "own-out");
      var changelog =
          driver
              .createOutputTopic(
                  "closing-test-open-log-changelog",
                  Serdes.Bytes().deserializer(),
                  Serdes.ByteArray().deserializer())
              .readRecordsToList();
      List<Long> windowSums = new ArrayList<>();
      List<Long> streamTimes = new ArrayList<>();
      for (TestRecord<Bytes, byte[]> r : changelog) {
        ByteBuffer v = ByteBuffer.wrap(r.value());
        if (r.key().get()[0] == 1) {
          v.getLong(); // newest record timestamp
          windowSums.add(
              Serdes.Long()
                  .deserializer()
                  .deserialize(null, Arrays.copyOfRange(r.value(), 8, r.value().length)));
        } else {
          streamTimes.add(v.getLong());
        }
      }
      assertThat(windowSums).containsExactly(4L, 7L);
      assertThat(streamTimes).containsExactly(T0 + 1_000, T0 + 2_000);
    }
  }

  @Test
  void aCommitWritesOnlyTheWindowsItChanged() {
    // windows kept as objects after a commit are written again only once changed
    try (TopologyTestDriver driver = new TopologyTestDriver(ownTopology("open-once"), props())) {
      pipe(driver, List.of(new In("a", 1, T0 + 1_000)), "own-out");
      pipe(driver, List.of(new In("b", 2, T0 + 1_000)), "own-out");
      pipe(driver, List.of(new In("a", 3, T0 + 1_500)), "own-out");
      pipe(driver, List.of(new In("b", 4, T0 + 1_500)), "own-out");
      List<String> written = new ArrayList<>();
      for (TestRecord<Bytes, byte[]> r :
          driver
              .createOutputTopic(
                  "closing-test-open-once-changelog",
                  Serdes.Bytes().deserializer(),
                  Serdes.ByteArray().deserializer())
              .readRecordsToList()) {
        byte[] k = r.key().get();
        if (k[0] == 1) {
          long sum =
              Serdes.Long()
                  .deserializer()
                  .deserialize(null, Arrays.copyOfRange(r.value(), 8, r.value().length));
          written.add(new String(k, 9, k.length - 9, StandardCharsets.UTF_8) + "=" + sum);
        }
      }
      assertThat(written).containsExactly("a=1", "b=2", "a=4", "b=6");
    }
  }

  // --- the two implementations under the same input ---

  static Topology dslTopology() {
    StreamsBuilder b = new StreamsBuilder();
    b.stream("in", Consumed.with(Serdes.String(), Serdes.Long()))
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(SIZE, GRACE))
        .emitStrategy(EmitStrategy.onWindowClose())
        .aggregate(
            () -> 0L,
            (k, v, sum) -> sum + v,
            Materialized.<String, Long, WindowStore<Bytes, byte[]>>as("dsl-store")
                .withKeySerde(Serdes.String())
                .withValueSerde(Serdes.Long()))
        .toStream()
        .map((w, sum) -> KeyValue.pair(w.key(), w.window().start() + ":" + sum))
        .to("dsl-out", Produced.with(Serdes.String(), Serdes.String()));
    return b.build();
  }

  static Topology ownTopology(String store) {
    StreamsBuilder b = new StreamsBuilder();
    b.stream("in", Consumed.with(Serdes.String(), Serdes.Long()))
        .mapValues(v -> Marked.<Long>item(v), Named.as("items"))
        .process(
            new ClosingWindows<Long, Long>(store, Serdes.Long(), SIZE, GRACE, () -> 0L, Long::sum),
            Named.as("windows"))
        .flatMapValues(Marked::items)
        .mapValues(w -> w.start() + ":" + w.value())
        .to("own-out", Produced.with(Serdes.String(), Serdes.String()));
    return b.build();
  }

  static Properties props() {
    Properties p = Drivers.props("closing-test");
    p.put(StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION, 0L);
    return p;
  }

  static List<Out> run(Topology topology, List<In> input, String output) {
    try (TopologyTestDriver driver = new TopologyTestDriver(topology, props())) {
      return pipe(driver, input, output);
    }
  }

  static List<Out> pipe(TopologyTestDriver driver, List<In> input, String output) {
    var in =
        driver.createInputTopic("in", Serdes.String().serializer(), Serdes.Long().serializer());
    for (In r : input) {
      in.pipeInput(r.key(), r.value(), r.timestamp());
    }
    List<Out> out = new ArrayList<>();
    for (TestRecord<String, String> r :
        driver
            .createOutputTopic(
                output, Serdes.String().deserializer(), Serdes.String().deserializer())
            .readRecordsToList()) {
      String[] parts = r.value().split(":");
      out.add(new Out(r.key(), Long.parseLong(parts[0]), Long.parseLong(parts[1]), r.timestamp()));
    }
    return out;
  }

  /**
   * Mostly forward event time with jitter, some records behind by up to two windows (late or
   * within grace), occasional jumps of several windows; a few keys, so windows interleave.
   */
  static List<In> randomInput(Random random, int n) {
    List<In> input = new ArrayList<>();
    long time = T0;
    String[] keys = {"a", "b", "ab", "c", "US:SMS:x"};
    for (int i = 0; i < n; i++) {
      int kind = random.nextInt(20);
      long ts;
      if (kind == 0) {
        time += SIZE.toMillis() * (2 + random.nextInt(4));
        ts = time;
      } else if (kind < 4) {
        ts = Math.max(0, time - random.nextInt((int) (2 * SIZE.toMillis())));
      } else {
        time += random.nextInt(5_000);
        ts = time;
      }
      input.add(new In(keys[random.nextInt(keys.length)], 1 + random.nextInt(100), ts));
    }
    return input;
  }
}
