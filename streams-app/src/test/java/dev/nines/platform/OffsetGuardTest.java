package dev.nines.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class OffsetGuardTest {
  static final TopicPartition R0 = new TopicPartition("receipts", 0);
  static final TopicPartition R1 = new TopicPartition("receipts", 1);
  static final TopicPartition P0 = new TopicPartition("probes", 0);

  @Test
  void onlyACommittedOffsetBeforeTheLogStartIsAGap() {
    var gaps =
        OffsetGuard.gaps(
            Map.of(R0, 10L, R1, 5L, P0, 7L),
            // R0: log starts exactly at the committed offset (nothing lost); R1: 3 records deleted
            // unread; P0: the log start is unknown (topic not described), so no claim is made
            Map.of(R0, 10L, R1, 8L));
    assertThat(gaps).containsExactly(new OffsetGuard.Gap(R1, 5L, 8L));
    assertThat(gaps.get(0).lost()).isEqualTo(3L);
  }

  @Test
  void messageSaysWhatWasLostAndBothWaysOut() {
    String m =
        OffsetGuard.message(
            "nines", List.of(new OffsetGuard.Gap(P0, 2L, 5L), new OffsetGuard.Gap(R1, 5L, 8L)));
    assertThat(m)
        .isEqualTo(
            "input of application 'nines' was deleted before it was read: 6 "
                + "record(s) in 2 partition(s), e.g. probes-0 committed at offset 2 but the log starts at "
                + "5; raise topics.retention (retention.ms) and restore the input, or accept the loss "
                + "with kafka-streams-application-reset --application-id nines");
  }

  @Test
  void inputGoneWhileRunningIsOneLineNamingThePartitionAndBothWaysOut() {
    // as Kafka Streams hands it over: its own exception around the consumer's
    var e =
        new StreamsException(
            "No valid committed offset found for input [receipts]",
            new OffsetOutOfRangeException("Fetch position 5 is out of range", Map.of(R1, 5L)));
    assertThat(OffsetGuard.unreadable("nines", List.of("receipts", "probes"), e))
        .contains(
            "input of application 'nines' was deleted while it ran, before it was read: 1"
                + " partition(s), e.g. receipts-1 was to be read from offset 5, which is no longer"
                + " kept; raise topics.retention (retention.ms) and restore the input, or accept"
                + " the loss with kafka-streams-application-reset --application-id nines");
  }

  @Test
  void aPartitionWithoutAnOffsetAsksForARestart() {
    var e = new StreamsException("x", new NoOffsetForPartitionException(Set.of(P0, R0)));
    assertThat(OffsetGuard.unreadable("nines", List.of("receipts", "probes"), e))
        .contains(
            "input partition(s) [probes-0, receipts-0] of application 'nines' have no committed"
                + " offset (added while it ran?): restart nines, which starts them at their first"
                + " record");
  }

  @Test
  void otherFailuresAndOtherTopicsAreNotItsBusiness() {
    var internal =
        new StreamsException(
            "x",
            new OffsetOutOfRangeException(
                "x", Map.of(new TopicPartition("app-repartition", 0), 1L)));
    assertThat(OffsetGuard.unreadable("nines", List.of("receipts"), internal)).isEmpty();
    assertThat(OffsetGuard.unreadable("nines", List.of("receipts"), new IllegalStateException()))
        .isEmpty();
  }
}
