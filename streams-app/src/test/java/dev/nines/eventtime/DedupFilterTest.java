package dev.nines.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.testing.Drivers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.junit.jupiter.api.Test;

/**
 * {@link Dedup}'s filters of new ids ({@link IdFilter}): a new id in a bucket the task found
 * empty costs no store read, a duplicate still does (and is dropped); a bucket that held ids
 * when the task first looked (written before it started) is read for every id; a filter that
 * would outgrow the budget is dropped and its bucket read again, losing no duplicate. The
 * expected outputs are counted from the input ("each id once").
 */
class DedupFilterTest {
  static final long R = DedupTest.R;
  static final long T0 = DedupTest.T0;
  static final long B0 = Math.floorDiv(T0, R) * R;
  static final String STORE = DedupTest.STORE;

  @Test
  void newIdsInABucketFoundEmptyCostNoStoreRead() {
    try (Driver d = new Driver(Dedup.FILTER_BUDGET_BYTES)) {
      d.send(ids("a-", 0, 2_000), B0 + 1_000);
      long readsForNew = d.store().reads();
      d.send(ids("a-", 0, 200), B0 + 2_000); // duplicates
      long readsForDuplicates = d.store().reads() - readsForNew;

      assertThat(d.passed()).hasSize(2_000).doesNotHaveDuplicates();
      // without a filter each new id after the first is read in its bucket (1,999 reads; the
      // buckets around it are empty); with it only a false "maybe" is (about 1 %)
      assertThat(readsForNew).isLessThan(100);
      // a duplicate answers "maybe" and is read, found, dropped
      assertThat(readsForDuplicates).isGreaterThanOrEqualTo(200).isLessThan(210);
    }
  }

  @Test
  void aBucketHoldingIdsAtTheFirstLookIsReadForEveryIdAndKeepsItsDuplicates() {
    try (Driver d = new Driver(Dedup.FILTER_BUDGET_BYTES)) {
      d.writeBeforeStart(List.of("old-1", "old-2"), B0 + 500); // a restored store, say
      d.send(ids("a-", 0, 500), B0 + 1_000);
      d.send(List.of("old-1", "old-2"), B0 + 1_500);

      assertThat(d.passed()).hasSize(500).doesNotContain("old-1", "old-2");
      // every id read in bucket B0 (not filtered); the bucket before holds none, the one after
      // is ahead by more than R
      assertThat(d.store().reads()).isGreaterThanOrEqualTo(502);
    }
  }

  @Test
  void aFilterOutgrowingTheBudgetIsDroppedAndNoDuplicateIsLost() {
    // room for the first link of one bucket only: it is dropped when it would grow
    try (Driver d = new Driver(IdFilter.bytesFor(IdFilter.MIN_CAPACITY))) {
      int n = IdFilter.MIN_CAPACITY + 5_000;
      d.send(ids("a-", 0, IdFilter.MIN_CAPACITY), B0 + 1_000);
      long readsInFilter = d.store().reads();
      d.send(ids("a-", IdFilter.MIN_CAPACITY, n), B0 + 1_000);
      long readsAfter = d.store().reads() - readsInFilter;
      d.send(ids("a-", 0, n), B0 + 2_000); // every one a duplicate

      assertThat(d.passed()).hasSize(n).doesNotHaveDuplicates();
      assertThat(readsInFilter).isLessThan(IdFilter.MIN_CAPACITY / 20);
      // the first id beyond the first link dropped the filter: from then on each is read
      assertThat(readsAfter).isGreaterThanOrEqualTo(5_000 - 1);
    }
  }

  @Test
  void aBucketWithoutRoomForAFilterIsReadAsBefore() {
    try (Driver d = new Driver(0)) {
      d.send(ids("a-", 0, 300), B0 + 1_000);
      d.send(ids("a-", 0, 300), B0 + 2_000);
      assertThat(d.passed()).hasSize(300).doesNotHaveDuplicates();
      assertThat(d.store().reads()).isGreaterThanOrEqualTo(600);
    }
  }

  static List<String> ids(String prefix, int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(prefix + i);
    }
    return out;
  }

  /** A de-duplication of one upstream partition, fed in batches; what it passes is collected. */
  static final class Driver implements AutoCloseable {
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, Marked<String>> in;
    private final TestInputTopic<String, Long> before;

    Driver(long filterBudget) {
      StreamsBuilder b = new StreamsBuilder();
      Dedup<String> dedup = new Dedup<>(STORE, s -> s, Duration.ofMillis(R), 0, 1, 1, filterBudget);
      b.addStateStore(dedup.storeBuilder());
      // ids in the store before the de-duplication first looks at their bucket
      b.stream("before", Consumed.with(Serdes.String(), Serdes.Long()))
          .process(DedupTest.idsWrittenDirectly(), Named.as("written-before"), STORE);
      DedupTest.itemsThrough(b, dedup);
      driver = new TopologyTestDriver(b.build(), Drivers.props("dedup-filter-test"));
      in = DedupTest.itemsIn(driver);
      before =
          driver.createInputTopic(
              "before", Serdes.String().serializer(), Serdes.Long().serializer());
    }

    void writeBeforeStart(List<String> ids, long ts) {
      ids.forEach(id -> before.pipeInput(id, ts));
    }

    /** {@code ids} at {@code ts}, in batches of up to 1,000. */
    void send(List<String> ids, long ts) {
      for (int i = 0; i < ids.size(); i += 1_000) {
        List<Marked.Entry<String>> entries = new ArrayList<>();
        for (String id : ids.subList(i, Math.min(ids.size(), i + 1_000))) {
          entries.add(new Marked.Entry<>("k", ts, id));
        }
        in.pipeInput("batch", new Marked.Batch<>(0, entries), ts);
      }
    }

    List<String> passed() {
      return driver
          .createOutputTopic("out", Serdes.String().deserializer(), Serdes.String().deserializer())
          .readValuesToList();
    }

    DedupStore store() {
      return (DedupStore) driver.getStateStore(STORE);
    }

    @Override
    public void close() {
      driver.close();
    }
  }
}
