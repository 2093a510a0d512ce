package dev.nines.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class CatchUpTest {
  static final TopicPartition SRC0 = new TopicPartition("probe-results.r", 0);
  static final TopicPartition SRC1 = new TopicPartition("probe-results.r", 1);
  static final TopicPartition REP = new TopicPartition("app.r-x-repartition", 0);

  @Test
  void sourcesAreDoneAtTheirEndAndRepartitionTopicsOneShortOfItForTheMarker() {
    var s =
        CatchUp.evaluate(
            Map.of(SRC0, 10L, SRC1, 0L, REP, 8L), Map.of(SRC0, 10L, REP, 7L), Set.of(SRC0.topic()));
    assertThat(s).isEqualTo(new CatchUp.Status(10, 10, 0, true));
  }

  @Test
  void aSourceOneShortIsNotDone() {
    var s =
        CatchUp.evaluate(
            Map.of(SRC0, 10L, REP, 8L), Map.of(SRC0, 9L, REP, 7L), Set.of(SRC0.topic()));
    assertThat(s.done()).isFalse();
    assertThat(s.processed()).isEqualTo(9);
  }

  @Test
  void recordsLeftInARepartitionTopicAreNotDone() {
    // offsets 0..5 records, 6 a marker, 7..8 records, 9 a marker: end 10, committed at 7
    var s =
        CatchUp.evaluate(
            Map.of(SRC0, 10L, REP, 10L), Map.of(SRC0, 10L, REP, 7L), Set.of(SRC0.topic()));
    assertThat(s).isEqualTo(new CatchUp.Status(10, 10, 2, false));
  }

  @Test
  void nothingCommittedYetIsNotDoneUnlessThereIsNothing() {
    assertThat(CatchUp.evaluate(Map.of(SRC0, 3L), Map.of(), Set.of(SRC0.topic())).done()).isFalse();
    assertThat(CatchUp.evaluate(Map.of(SRC0, 0L, REP, 0L), Map.of(), Set.of(SRC0.topic())).done())
        .isTrue();
  }

  @Test
  void aRepartitionPartitionWithRecordsBehindItsStableOffsetIsNotDone() {
    // the group's offsets already show the transaction (its marker reached the offsets topic
    // first) while offsets 8..9 of the repartition partition still wait for theirs: the LSO is 8
    var s =
        CatchUp.evaluate(
            Map.of(SRC0, 10L, REP, 8L),
            Map.of(SRC0, 10L, REP, 7L),
            Set.of(SRC0.topic()),
            Map.of(REP, 10L));
    assertThat(s).isEqualTo(new CatchUp.Status(10, 10, 2, false));
    var marked =
        CatchUp.evaluate(
            Map.of(SRC0, 10L, REP, 11L),
            Map.of(SRC0, 10L, REP, 10L),
            Set.of(SRC0.topic()),
            Map.of(REP, 11L));
    assertThat(marked.done()).isTrue();
  }
}
