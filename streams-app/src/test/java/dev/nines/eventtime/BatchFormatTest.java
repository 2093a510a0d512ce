package dev.nines.eventtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.serde.SerdeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

/** The batch records of a watermarked repartition topic: format, placement, old records. */
class BatchFormatTest {
  private static final String TOPIC = "app-receipts-by-carrier-repartition";
  private final Serde<Marked<String>> serde = MarkedSerde.of(Serdes.String());

  @Test
  void aBatchRoundTripsWithKeysTimestampsAndValuesInOrder() {
    Marked.Batch<String> batch =
        new Marked.Batch<>(
            2,
            List.of(
                new Marked.Entry<>("US:SMS:atlas", 1_000L, "one"),
                new Marked.Entry<>("FR:SMS:ü", -5L, ""),
                new Marked.Entry<>("US:SMS:atlas", Long.MAX_VALUE, "three")));
    byte[] bytes = serde.serializer().serialize(TOPIC, batch);
    assertThat(bytes[0]).isEqualTo((byte) 'B');
    assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(batch);
  }

  @Test
  void theFormatIsTheDocumentedOne() {
    // written by hand from the class doc: 'B', 1, partition, count, then key, ts, value
    byte[] key = "k".getBytes(StandardCharsets.UTF_8);
    byte[] value = "v".getBytes(StandardCharsets.UTF_8);
    byte[] bytes =
        ByteBuffer.allocate(10 + 4 + 1 + 8 + 4 + 1)
            .put((byte) 'B')
            .put((byte) 1)
            .putInt(1)
            .putInt(1)
            .putInt(1)
            .put(key)
            .putLong(42)
            .putInt(1)
            .put(value)
            .array();
    assertThat(serde.deserializer().deserialize(TOPIC, bytes))
        .isEqualTo(new Marked.Batch<>(1, List.of(new Marked.Entry<>("k", 42, "v"))));
    assertThat(
            serde
                .serializer()
                .serialize(TOPIC, new Marked.Batch<>(1, List.of(new Marked.Entry<>("k", 42, "v")))))
        .isEqualTo(bytes);
  }

  @Test
  void singleItemsAndMarksStillReadAsBefore() {
    assertThat(serde.deserializer().deserialize(TOPIC, "R-item".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(Marked.item("R-item"));
    Watermark w = new Watermark(1, 8, 5_000, false, 6_000);
    assertThat(serde.deserializer().deserialize(TOPIC, MarkedSerde.encode(w)))
        .isEqualTo(Marked.mark(w));
  }

  @Test
  void anInnerValueThatLooksLikeABatchIsRefusedOnWrite() {
    assertThatThrownBy(() -> serde.serializer().serialize(TOPIC, Marked.item("Bad")))
        .isInstanceOf(SerdeException.class)
        .hasMessageContaining("0x42");
    assertThatThrownBy(
            () ->
                serde
                    .serializer()
                    .serialize(
                        TOPIC, new Marked.Batch<>(0, List.of(new Marked.Entry<>("k", 1, "Bx")))))
        .isInstanceOf(SerdeException.class);
  }

  @Test
  void aTruncatedOrPaddedBatchIsAClearError() {
    byte[] good =
        serde
            .serializer()
            .serialize(TOPIC, new Marked.Batch<>(0, List.of(new Marked.Entry<>("k", 1, "v"))));
    byte[] cut = java.util.Arrays.copyOf(good, good.length - 1);
    byte[] padded = java.util.Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, cut))
        .isInstanceOf(SerdeException.class)
        .hasMessageContaining("invalid batch");
    assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, padded))
        .isInstanceOf(SerdeException.class)
        .hasMessageContaining("after the last entry");
  }

  @Test
  void aBatchGoesToItsPartitionAndEachKeyToWhereKafkaWouldPutIt() {
    MulticastPartitioner<String> partitioner = new MulticastPartitioner<>();
    assertThat(partitioner.partitions(TOPIC, Marked.BATCH_KEY, new Marked.Batch<>(2, List.of()), 3))
        .isEqualTo(Optional.of(Set.of(2)));
    assertThatThrownBy(
            () ->
                partitioner.partitions(
                    TOPIC, Marked.BATCH_KEY, new Marked.Batch<>(3, List.of()), 3))
        .isInstanceOf(IllegalStateException.class);
    // Kafka's own partitioner for keyed records, not ours; the murmur2 values of the first two
    // were noted before batches existed (US:SMS:atlas -> 1, delta -> 0 of 3)
    assertThat(MulticastPartitioner.partitionOf("US:SMS:atlas", 3)).isEqualTo(1);
    assertThat(MulticastPartitioner.partitionOf("US:SMS:delta", 3)).isEqualTo(0);
    for (String key : List.of("US:SMS:atlas", "BR:SMS:vivo", "FR:VOICE:ü", "", "x".repeat(300))) {
      for (int n = 1; n <= 12; n++) {
        assertThat(MulticastPartitioner.partitionOf(key, n))
            .as(key + " of " + n)
            .isEqualTo(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), n));
      }
    }
  }
}
