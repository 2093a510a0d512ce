package dev.nines.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

class OutputLimitsTest {
  @Test
  void aValueIsRefusedWhenItAndTheRecordAroundItExceedTheTopicsLimit() {
    OutputLimits limits = new OutputLimits();
    limits.set("out", 1_000); // max.message.bytes
    limits.set("out", 2_000); // max.request.size: the smaller one counts
    Serializer<byte[]> s = limits.guard(Serdes.ByteArray()).serializer();
    // 1,000 - 512 for the batch and record headers and the key: 488 bytes of value
    assertThat(s.serialize("out", new byte[488])).hasSize(488);
    assertThatThrownBy(() -> s.serialize("out", new byte[489]))
        .isInstanceOf(OutputLimits.OutputTooLargeException.class)
        .isInstanceOf(RecordTooLargeException.class)
        .hasMessage(
            "a value of 489 bytes for out is over the 488 bytes the topic takes"
                + " (max.message.bytes or max.request.size, less 512 bytes for the record around"
                + " it)");
  }

  @Test
  void aTopicWhoseLimitIsUnknownAndTombstonesAreNotChecked() {
    OutputLimits limits = new OutputLimits();
    limits.set("out", 600);
    Serializer<byte[]> s = limits.guard(Serdes.ByteArray()).serializer();
    assertThat(s.serialize("other", new byte[10_000])).hasSize(10_000);
    assertThat(s.serialize("out", null)).isNull();
    assertThat(OutputLimits.unknown().maxValueBytes("out")).isEqualTo(Integer.MAX_VALUE);
  }
}
