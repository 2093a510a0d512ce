package dev.nines.eventtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.testing.Drivers;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * {@link ObjectStore} on the TopologyTestDriver, which commits after every input record: what
 * reaches the changelog is what a commit wrote back.
 */
class ObjectStoreTest {
  private static final String STORE = "counts-store";
  private static final String CHANGELOG = "object-store-test-" + STORE + "-changelog";

  /** Adds each input value to its key's total {@code times} times, then outputs the total. */
  static final class Adder implements Processor<String, Long, String, String> {
    private final int times;
    private ObjectStore<long[]> store;
    private ProcessorContext<String, String> context;

    Adder(int times) {
      this.times = times;
    }

    @Override
    public void init(ProcessorContext<String, String> context) {
      this.context = context;
      this.store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, Long> r) {
      for (int i = 0; i < times; i++) {
        long[] total = store.get(r.key());
        if (total == null) {
          total = new long[1];
        }
        total[0] += r.value(); // changed in place: the cached object is the one returned
        store.put(r.key(), total);
      }
      long[] again = store.get(r.key());
      context.forward(r.withValue(again[0] + " pending " + store.pending()));
    }
  }

  static Topology topology(int times) {
    return topology(times, ObjectStore.KEEP_AFTER_COMMIT_BYTES, new AtomicInteger());
  }

  /** @param decodes counts the values read from the store's bytes */
  static Topology topology(int times, int keepBytes, AtomicInteger decodes) {
    StreamsBuilder b = new StreamsBuilder();
    b.addStateStore(
        ObjectStore.builder(
            STORE,
            Serdes.serdeFrom(
                (t, v) -> Serdes.Long().serializer().serialize(t, v[0]),
                (t, bytes) -> {
                  decodes.incrementAndGet();
                  return new long[] {Serdes.Long().deserializer().deserialize(t, bytes)};
                }),
            keepBytes));
    b.stream("in", Consumed.with(Serdes.String(), Serdes.Long()))
        .process(() -> new Adder(times), Named.as("add"), STORE)
        .to("out", Produced.with(Serdes.String(), Serdes.String()));
    return b.build();
  }

  static Properties props() {
    return Drivers.props("object-store-test");
  }

  static List<KeyValue<String, Long>> changelog(TopologyTestDriver driver) {
    List<KeyValue<String, Long>> out = new ArrayList<>();
    for (TestRecord<String, Long> r :
        driver
            .createOutputTopic(
                CHANGELOG, Serdes.String().deserializer(), Serdes.Long().deserializer())
            .readRecordsToList()) {
      out.add(KeyValue.pair(r.key(), r.value()));
    }
    return out;
  }

  @Test
  void eachCommitWritesTheLatestValueOfEachKeyOnceInPlainStringAndSerdeBytes() {
    try (TopologyTestDriver driver = new TopologyTestDriver(topology(3), props())) {
      var in =
          driver.createInputTopic("in", Serdes.String().serializer(), Serdes.Long().serializer());
      var out =
          driver.createOutputTopic(
              "out", Serdes.String().deserializer(), Serdes.String().deserializer());
      in.pipeInput("a", 2L);
      in.pipeInput("b", 5L);
      in.pipeInput("a", 1L);
      // three puts per record, one changelog record per key and commit: a store that encodes
      // per put would log 3 records per input record (expectation: a 3 x 2 = 6, b 15, a 6 + 3)
      assertThat(changelog(driver))
          .containsExactly(KeyValue.pair("a", 6L), KeyValue.pair("b", 15L), KeyValue.pair("a", 9L));
      // within a record, nothing was written back yet: one key pending
      assertThat(out.readValuesToList())
          .containsExactly("6 pending 1", "15 pending 1", "9 pending 1");
    }
  }

  @Test
  void aValueWrittenBackIsKeptAsAnObjectAcrossTheCommit() {
    AtomicInteger decodes = new AtomicInteger();
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            topology(1, ObjectStore.KEEP_AFTER_COMMIT_BYTES, decodes), props())) {
      var in =
          driver.createInputTopic("in", Serdes.String().serializer(), Serdes.Long().serializer());
      in.pipeInput("a", 4L);
      in.pipeInput("a", 3L);
      // the second record found 4 as the object the first one wrote: nothing decoded
      assertThat(changelog(driver)).containsExactly(KeyValue.pair("a", 4L), KeyValue.pair("a", 7L));
      ObjectStore<long[]> store = (ObjectStore<long[]>) driver.getStateStore(STORE);
      assertThat(store.pending()).isZero();
      assertThat(store.kept()).isEqualTo(1);
      assertThat(store.get("a")[0]).isEqualTo(7L);
      assertThat(decodes.get()).isZero();
    }
  }

  @Test
  void beyondTheKeptBytesValuesAreReadFromTheStoreAfterTheCommit() {
    AtomicInteger decodes = new AtomicInteger();
    // room for two values of 8 bytes: the third key written drops what was kept
    try (TopologyTestDriver driver = new TopologyTestDriver(topology(1, 16, decodes), props())) {
      var in =
          driver.createInputTopic("in", Serdes.String().serializer(), Serdes.Long().serializer());
      ObjectStore<long[]> store = (ObjectStore<long[]>) driver.getStateStore(STORE);
      in.pipeInput("a", 1L);
      in.pipeInput("b", 2L);
      assertThat(store.kept()).isEqualTo(2);
      in.pipeInput("c", 3L);
      assertThat(store.kept()).isZero();
      assertThat(decodes.get()).isZero();
      in.pipeInput("a", 10L);
      in.pipeInput("c", 30L);
      // both read back from RocksDB, and right
      assertThat(decodes.get()).isEqualTo(2);
      assertThat(changelog(driver))
          .containsExactly(
              KeyValue.pair("a", 1L),
              KeyValue.pair("b", 2L),
              KeyValue.pair("c", 3L),
              KeyValue.pair("a", 11L),
              KeyValue.pair("c", 33L));
    }
  }

  @Test
  void aDirtyCloseDropsTheKeptObjects() {
    AtomicInteger decodes = new AtomicInteger();
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            topology(1, ObjectStore.KEEP_AFTER_COMMIT_BYTES, decodes), props())) {
      var in =
          driver.createInputTopic("in", Serdes.String().serializer(), Serdes.Long().serializer());
      in.pipeInput("a", 4L);
      ObjectStore<long[]> store = (ObjectStore<long[]>) driver.getStateStore(STORE);
      // a change of the kept object that no commit wrote (work a dirty close drops)
      store.get("a")[0] = 100L;
      store.clearCache();
      assertThat(store.kept()).isZero();
      assertThat(store.get("a")[0]).isEqualTo(4L);
      assertThat(decodes.get()).isEqualTo(1);
    }
  }

  @Test
  void nullIsRefused() {
    try (TopologyTestDriver driver = new TopologyTestDriver(topology(1), props())) {
      ObjectStore<long[]> store = (ObjectStore<long[]>) driver.getStateStore(STORE);
      assertThatThrownBy(() -> store.put("a", null)).hasMessageContaining("does not delete");
    }
  }

  @Test
  void keysByPrefixAreTheStoredOnesAndThoseWrittenSinceTheCommit() {
    try (TopologyTestDriver driver = new TopologyTestDriver(topology(1), props())) {
      var in =
          driver.createInputTopic("in", Serdes.String().serializer(), Serdes.Long().serializer());
      in.pipeInput("SMS:us-east", 1L);
      in.pipeInput("VOICE:us-east", 1L);
      ObjectStore<long[]> store = (ObjectStore<long[]>) driver.getStateStore(STORE);
      // committed above; two more only in the cache, one of them a stored key again
      store.put("SMS:eu-west", new long[] {2});
      store.put("SMS:us-east", new long[] {3});
      assertThat(store.pending()).isEqualTo(2);
      assertThat(store.keys("SMS:")).containsExactly("SMS:eu-west", "SMS:us-east");
      assertThat(store.keys("VOICE:")).containsExactly("VOICE:us-east");
      assertThat(store.keys("VERIFY:")).isEmpty();
    }
  }
}
