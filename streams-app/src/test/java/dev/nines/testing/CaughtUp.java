package dev.nines.testing;

import dev.nines.Topics;
import dev.nines.app.NinesTopology;
import dev.nines.config.NinesConfig;
import dev.nines.replay.CatchUp;
import dev.nines.replay.ShadowTopics;
import dev.nines.serde.SchemaRegistryClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;

/**
 * The condition the integration tests wait on: the app of {@code config} has processed and
 * committed everything in its input topics and in every repartition topic of its topology.
 */
public final class CaughtUp {
  private CaughtUp() {}

  public static Callable<Boolean> condition(
      Admin admin, String bootstrapServers, NinesConfig config, SchemaRegistryClient registry) {
    String appId = config.streams().applicationId();
    var internal =
        ShadowTopics.internal(
            NinesTopology.build(config, registry),
            appId,
            Set.copyOf(ShadowTopics.contractTopics(config.topics())));
    List<String> sources = Topics.INPUTS.stream().map(config.topics()::name).toList();
    return () ->
        CatchUp.status(
                admin,
                Map.of("bootstrap.servers", bootstrapServers),
                appId,
                sources,
                internal.repartition())
            .done();
  }
}
