package dev.nines.platform.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.TopicNames;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of {@link KafkaSchemaStore} without a broker: argument checks and that
 * failures are prompt and name the topic. Its behaviour against a real broker is covered by the
 * platform's integration tests; its record format by {@link StoreEventCodecTest}.
 */
class KafkaSchemaStoreTest {

  @Test
  void refusesNonsenseArguments() {
    assertThatThrownBy(
            () -> new KafkaSchemaStore("localhost:9092", TopicNames.SCHEMAS, (short) 0, Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new KafkaSchemaStore(
                    "localhost:9092",
                    TopicNames.SCHEMAS,
                    (short) 1,
                    Map.of(),
                    Duration.ofMillis(10)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void appendBeforeStartFailsNamingTheTopic() {
    try (KafkaSchemaStore store =
        new KafkaSchemaStore("localhost:9092", "my-schemas", (short) 1, null)) {
      assertThatThrownBy(() -> store.append(new StoreEvent.ConfigRemoved(null)))
          .isInstanceOf(SchemaStoreException.class)
          .hasMessageContaining("'my-schemas'")
          .hasMessageContaining("not started");
    }
  }

  @Test
  void anUnreachableClusterFailsStartPromptlyNamingTheTopic() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort(); // nothing listens here once the socket is closed
    }
    try (KafkaSchemaStore store =
        new KafkaSchemaStore(
            "localhost:" + closedPort,
            TopicNames.SCHEMAS,
            (short) 1,
            Map.of(),
            Duration.ofSeconds(1))) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> store.start(event -> {}))
          .isInstanceOf(SchemaStoreException.class)
          .hasMessageContaining("'" + TopicNames.SCHEMAS + "'");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }
  }
}
