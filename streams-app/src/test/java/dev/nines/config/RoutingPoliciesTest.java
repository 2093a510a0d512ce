package dev.nines.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.routing.RoutingPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutingPoliciesTest {
  static final RoutingPolicy BASE = RoutingPolicy.defaults();

  @Test
  void aProfileOverridesOnlyTheKeysItSets() {
    RoutingPolicy p =
        RoutingPolicies.override(
            BASE,
            Map.of(
                "routing.eject.success.below", "0.9",
                "routing.degrade.success.below", "0.99",
                "routing.ramp.steps", "0.1, 0.5",
                "routing.backoff.memory", "PT6H",
                "routing.tier.min.healthy.percent", "80"));
    assertThat(p.ejectSuccessBelow()).isEqualTo(0.9);
    assertThat(p.degradeSuccessBelow()).isEqualTo(0.99);
    assertThat(p.rampSteps()).containsExactly(0.1, 0.5);
    assertThat(p.backoffMemoryMs()).isEqualTo(6 * 3_600_000L);
    assertThat(p.tierMinHealthyPercent()).isEqualTo(80);
    // everything else as the base
    assertThat(p.minSamples()).isEqualTo(BASE.minSamples());
    assertThat(p.trickleWeight()).isEqualTo(BASE.trickleWeight());
    assertThat(p.backoffMaxMultiplier()).isEqualTo(BASE.backoffMaxMultiplier());
    assertThat(RoutingPolicies.override(BASE, Map.of())).isEqualTo(BASE);
  }

  @Test
  void theConfiguredPolicyIsBuiltByTheSameCode() throws Exception {
    NinesConfig c =
        ConfigLoader.load(
            Optional.empty(),
            Map.of(),
            Map.of("routing.backoff.max.multiplier", "4", "routing.min.samples", "30"));
    RoutingPolicy p = c.routing().policy();
    assertThat(p.backoffMaxMultiplier()).isEqualTo(4);
    assertThat(p.minSamples()).isEqualTo(30);
    assertThat(p.tierMinHealthyPercent()).isEqualTo(70);
    assertThat(p.backoffMemoryMs()).isEqualTo(24 * 3_600_000L);
  }

  @Test
  void everyProblemIsNamedWithWhatWouldBeRight() {
    assertThatThrownBy(
            () ->
                RoutingPolicies.override(
                    BASE,
                    Map.of(
                        "routing.history", "PT5M",
                        "routing.trickle.weight", "lots",
                        "routing.min.samples", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'routing.history' is not a routing knob a profile can set")
        .hasMessageContaining("'routing.min.samples' = '0': expected a whole number from 1 to")
        .hasMessageContaining("'routing.trickle.weight' = 'lots': expected a whole number");
  }

  @Test
  void knobsThatDoNotFitTogetherAreRefused() {
    // the base degrades below 95%: ejecting below 97% would be the milder test
    assertThatThrownBy(
            () -> RoutingPolicies.override(BASE, Map.of("routing.eject.success.below", "0.97")))
        .hasMessageContaining("ejectSuccessBelow = 0.97 is above degradeSuccessBelow = 0.95");
  }

  @Test
  void profileKeysOfTheConfigurationAreLaidOverTheirProfile() throws Exception {
    NinesConfig c =
        ConfigLoader.load(
            Optional.empty(),
            Map.of(),
            Map.of(
                "routing.profile.otp.eject.success.below", "0.9",
                "routing.profile.otp.min.samples", "30",
                "routing.profile.bulk.trickle.weight", "0"));
    assertThat(c.routing().profileOverrides())
        .isEqualTo(
            Map.of(
                "otp",
                Map.of("routing.eject.success.below", "0.9", "routing.min.samples", "30"),
                "bulk",
                Map.of("routing.trickle.weight", "0")));
    assertThatThrownBy(
            () ->
                ConfigLoader.load(Optional.empty(), Map.of(), Map.of("routing.profile.otp", "0.9")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "config 'routing.profile.otp' (flag): expected routing.profile.<name>.<knob>, e.g. "
                + "routing.profile.otp.eject.success.below=0.9");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(),
                    Map.of(),
                    Map.of("routing.profile.otp.eject.success.below", "lots")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "config routing.profile.otp.* (flag): 'routing.eject.success.below' = 'lots': "
                + "expected a fraction");
  }

  @Test
  void aReplayPolicyFileSetsTiersBackoffAndProfiles(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("what-if.properties");
    Files.writeString(
        policy,
        "routing.tier.min.healthy.percent=50\n"
            + "routing.backoff.max.multiplier=1\n"
            + "routing.profile.otp.eject.success.below=0.97\n"
            + "routing.profile.otp.degrade.success.below=0.99\n");
    NinesConfig c = ConfigLoader.load(Optional.empty(), Map.of(), Optional.of(policy), Map.of());
    assertThat(c.routing().policy().tierMinHealthyPercent()).isEqualTo(50);
    assertThat(c.routing().policy().backoffMaxMultiplier()).isEqualTo(1);
    assertThat(c.routing().profileOverrides())
        .isEqualTo(
            Map.of(
                "otp",
                Map.of(
                    "routing.eject.success.below", "0.97",
                    "routing.degrade.success.below", "0.99")));
  }

  @Test
  void everyKnobIsAConfigurationKey() {
    List<String> keys = RoutingPolicies.KNOBS.stream().map(Setting::key).toList();
    assertThat(Settings.byKey().keySet()).containsAll(keys);
    assertThat(keys).allMatch(k -> k.startsWith("routing."));
    assertThat(keys)
        .doesNotContain(
            "routing.evaluation.interval",
            "routing.history",
            "routing.bucket.grace",
            "routing.plan.history");
  }
}
