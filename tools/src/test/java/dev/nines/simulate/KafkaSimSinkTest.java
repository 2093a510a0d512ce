package dev.nines.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.TopicNames;
import dev.nines.schema.MaintenanceCategory;
import dev.nines.schema.MaintenanceWindow;
import dev.nines.schema.Service;
import java.time.Instant;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaSimSinkTest {

  static final Serializer<Object> ANY = (topic, value) -> new byte[0];
  static final MaintenanceWindow VALUE =
      new MaintenanceWindow(
          Service.SMS,
          "r1",
          Instant.ofEpochMilli(1),
          Instant.ofEpochMilli(2),
          null,
          MaintenanceCategory.PLANNED);

  @Test
  void sendsTopicKeyValueAndTimestampAsGiven() {
    MockProducer<String, Object> producer =
        new MockProducer<>(true, null, new StringSerializer(), ANY);
    KafkaSimSink sink = new KafkaSimSink(producer);
    sink.send(TopicNames.MAINTENANCE_WINDOWS, "mw-1", VALUE, 1234L);
    sink.flush();
    assertThat(producer.history()).hasSize(1);
    ProducerRecord<String, Object> r = producer.history().get(0);
    assertThat(r.topic()).isEqualTo(TopicNames.MAINTENANCE_WINDOWS);
    assertThat(r.key()).isEqualTo("mw-1");
    assertThat(r.value()).isSameAs(VALUE);
    assertThat(r.timestamp()).isEqualTo(1234L);
    assertThat(r.partition()).isNull();
    assertThat(producer.flushed()).isTrue();
    assertThat(producer.closed()).isFalse(); // the caller owns the producer
  }

  @Test
  void anAsynchronousSendFailureSurfacesOnFlush() {
    MockProducer<String, Object> producer =
        new MockProducer<>(false, null, new StringSerializer(), ANY);
    KafkaSimSink sink = new KafkaSimSink(producer);
    sink.send(TopicNames.MAINTENANCE_WINDOWS, "mw-1", VALUE, 1L);
    producer.errorNext(new RuntimeException("broker gone"));
    assertThatThrownBy(sink::flush)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("broker gone");
    assertThatThrownBy(() -> sink.send(TopicNames.MAINTENANCE_WINDOWS, "mw-2", VALUE, 2L))
        .isInstanceOf(IllegalStateException.class);
  }
}
