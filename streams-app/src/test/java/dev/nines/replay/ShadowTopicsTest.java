package dev.nines.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.Topics;
import dev.nines.app.NinesTopology;
import dev.nines.config.NinesConfig;
import dev.nines.testing.TestRegistry;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShadowTopicsTest {

  @Test
  void aSuffixRenamesEveryContractTopicAndIsStrippedBack() {
    NinesConfig.TopicLayout live = new NinesConfig.TopicLayout(3, (short) 1, "t1.", -1L);
    NinesConfig.TopicLayout shadow = live.withSuffix(".replay-2026-10");
    assertThat(shadow.name(Topics.ROUTING_WEIGHTS)).isEqualTo("t1.routing-weights.replay-2026-10");
    assertThat(shadow.contractName("t1.routing-weights.replay-2026-10"))
        .isEqualTo("routing-weights");
    assertThat(live.name(Topics.ROUTING_WEIGHTS)).isEqualTo("t1.routing-weights");
    assertThat(live.suffix()).isEmpty();
    assertThat(ShadowTopics.contractTopics(shadow))
        .hasSize(Topics.ALL.size())
        .allSatisfy(n -> assertThat(n).startsWith("t1.").endsWith(".replay-2026-10"));
  }

  @Test
  void internalTopicsAreNamedExactlyFromTheTopology() {
    NinesConfig c = NinesConfig.defaults();
    NinesConfig.TopicLayout shadow = c.topics().withSuffix(".r");
    var internal =
        ShadowTopics.internal(
            NinesTopology.build(c.withTopics(shadow), new TestRegistry()),
            "nines.r",
            Set.copyOf(ShadowTopics.contractTopics(shadow)));
    assertThat(internal.repartition())
        .contains(
            "nines.r-receipts-by-carrier-repartition",
            "nines.r-carrier-probes-by-carrier-repartition",
            "nines.r-routing-buckets-by-route-repartition",
            "nines.r-uptime-probes-by-service-repartition",
            "nines.r-credit-contracts-by-service-repartition")
        .allSatisfy(n -> assertThat(n).startsWith("nines.r-").endsWith("-repartition"));
    assertThat(internal.changelog())
        .contains(
            "nines.r-routing-state-store-changelog",
            "nines.r-carrier-health-open-windows-store-changelog");
    assertThat(internal.all()).noneMatch(n -> n.contains("delivery-receipts"));
  }
}
