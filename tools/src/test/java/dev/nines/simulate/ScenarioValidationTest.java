package dev.nines.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each bad field gets one precise line naming the field, its value and what would be right. */
class ScenarioValidationTest {

  static final String VALID =
      """
      regions: [us-east, eu-west]
      vantages: [v1, v2]
      checks:
        - {name: sms-send, service: SMS, carrier: {country: US, channel: SMS, carrierId: atlas}}
        - {name: verify-send, service: VERIFY}
      routes:
        - country: US
          channel: SMS
          ratePerSecond: 10
          carriers:
            - {carrierId: atlas, baseWeight: 60}
            - {carrierId: bluewave, baseWeight: 40}
        - country: GB
          channel: SMS
          ratePerSecond: 5
          regions: [eu-west]
          carriers:
            - {carrierId: thames, baseWeight: 10}
      failureMix: {delivered: 0.9, carrier: 0.05, recipient: 0.05}
      latency:
        SMS: {medianMs: 2500, p99Ms: 20000}
      late: {fraction: 0.01, minDelay: PT2S, maxDelay: PT30S}
      accounts:
        - accountId: acme
          tier: gold
          targetPercent: "99.95"
          services: [{service: SMS, monthlyFeeMinor: 1000}]
          currency: USD
          creditSchedule: [{belowPercent: "99.95", creditPercent: 10}]
      maintenance:
        - {id: mw-1, service: SMS, region: eu-west, start: PT10M, end: PT20M}
      events:
        - name: degrade
          start: PT2M
          end: PT5M
          repeatEvery: PT20M
          carrierDegradation: {route: "US:SMS", carrierId: bluewave, successRate: 0.4}
        - name: outage
          start: PT6M
          end: PT8M
          serviceOutage: {service: SMS, region: us-east, vantages: [v1]}
      """;

  /** VALID with one piece of text replaced; fails loudly if the text is not there. */
  static String with(String from, String to) {
    assertThat(VALID).contains(from);
    return VALID.replace(from, to);
  }

  @Test
  void theBaseScenarioOfTheseCasesIsValid() {
    Scenario s = Scenario.parse(VALID);
    assertThat(s.routes()).hasSize(2);
  }

  static Stream<Arguments> badFields() {
    return Stream.of(
        Arguments.of(
            with("{carrierId: thames, baseWeight: 10}", "{carrierId: thames, baseWeight: -5}"),
            "scenario routes[1].carriers[0].baseWeight = -5: must be > 0"),
        Arguments.of(
            with("- country: GB", "- country: UK"),
            "scenario routes[1].country = \"UK\": must be an ISO 3166-1 alpha-2 country code such as US"),
        Arguments.of(
            with("carrier: 0.05, recipient", "carrier: 0.15, recipient"),
            "scenario failureMix = delivered 0.9 + failures 0.2 = 1.1: must sum to 1"
                + " (or leave delivered out to make it the remainder)"),
        Arguments.of(
            with("p99Ms: 20000", "p99Ms: 1000"),
            "scenario latency.SMS.p99Ms = 1000: must be >= medianMs (2500)"),
        Arguments.of(
            with("route: \"US:SMS\"", "route: \"FR:SMS\""),
            "scenario events[0].carrierDegradation.route = \"FR:SMS\":"
                + " must be the id <country>:<channel> of a route: US:SMS, GB:SMS"),
        Arguments.of(
            with("carrierId: bluewave, successRate", "carrierId: zeta, successRate"),
            "scenario events[0].carrierDegradation.carrierId = \"zeta\": must be a carrier of route US:SMS: atlas, bluewave"),
        Arguments.of(
            with("successRate: 0.4", "successRate: 1.4"),
            "scenario events[0].carrierDegradation.successRate = 1.4: must be a probability between 0 and 1"),
        Arguments.of(
            with("region: us-east, vantages", "region: mars, vantages"),
            "scenario events[1].serviceOutage.region = \"mars\": must be one of the scenario regions: us-east, eu-west"),
        Arguments.of(
            with("vantages: [v1]}", "vantages: [v9]}"),
            "scenario events[1].serviceOutage.vantages[0] = \"v9\": must be one of the scenario vantages: v1, v2"),
        Arguments.of(
            with("    end: PT5M", "    end: PT1M"),
            "scenario events[0].end = PT1M: must be after start (PT2M)"),
        Arguments.of(
            with("repeatEvery: PT20M", "repeatEvery: PT1M"),
            "scenario events[0].repeatEvery = PT1M: must be at least the event's length (PT3M) so occurrences do not overlap"),
        Arguments.of(
            with("    serviceOutage: {service: SMS, region: us-east, vantages: [v1]}\n", ""),
            "scenario events[1] = none: must have exactly one of carrierDegradation, serviceOutage, carrierAdded, policyChange, probesStop"),
        Arguments.of(
            with("minDelay: PT2S", "minDelay: PT0S"),
            "scenario late.minDelay = PT0S: must be at least PT0.001S: a late receipt is emitted after its event time"),
        Arguments.of(
            with("targetPercent: \"99.95\"", "targetPercent: \"abc\""),
            "scenario accounts[0].targetPercent = \"abc\": must be a decimal percent > 0 and <= 100 such as \"99.95\""),
        Arguments.of(
            with("creditPercent: 10", "creditPercent: 0"),
            "scenario accounts[0].creditSchedule[0].creditPercent = 0: must be a whole number between 1 and 100"),
        Arguments.of(
            with("currency: USD", "currency: usd"),
            "scenario accounts[0].currency = \"usd\": must be an ISO 4217 currency code such as USD"),
        Arguments.of(
            with("region: eu-west, start", "region: eu-central, start"),
            "scenario maintenance[0].region = \"eu-central\": must be one of the scenario regions: us-east, eu-west"),
        Arguments.of(
            with(
                "carrier: {country: US, channel: SMS, carrierId: atlas}",
                "carrier: {country: US, channel: MMS, carrierId: atlas}"),
            "scenario checks[0].carrier = US:MMS: no such route; routes: US:SMS, GB:SMS"),
        Arguments.of(
            with("    ratePerSecond: 5\n", ""),
            "scenario routes[1].ratePerSecond = (missing): must be a number >= 0 (receipts per second)"),
        Arguments.of(
            with(
                "{carrierId: thames, baseWeight: 10}",
                "{carrierId: thames, baseWeight: 10, enabled: false}"),
            "scenario routes[1].carriers = [\"thames\"]: at least one carrier must be enabled (enabled: false drains a carrier)"),
        Arguments.of(
            with("regions: [us-east, eu-west]", "regions: [us-east, eu-west, us-east]"),
            "scenario regions[2] = \"us-east\": duplicate region"),
        Arguments.of(
            with("failureMix:", "dailyShape: {amplitude: 1.2}\nfailureMix:"),
            "scenario dailyShape.amplitude = 1.2: must be >= 0 and < 1 (at 1 the rate would drop to 0 at the trough)"),
        // Errors found while reading the YAML get the same shape.
        Arguments.of(
            with("channel: SMS\n    ratePerSecond: 10", "channel: SMTP\n    ratePerSecond: 10"),
            "scenario routes[0].channel = \"SMTP\": must be one of SMS, MMS, VOICE"),
        Arguments.of(
            with("failureMix:", "probeInterval: 60\nfailureMix:"),
            "scenario probeInterval = 60: must be an ISO-8601 duration such as PT60S"),
        Arguments.of(
            with("{carrierId: atlas, baseWeight: 60}", "{carrierId: atlas, baseWeigth: 60}"),
            "scenario routes[0].carriers[0].baseWeigth: unknown field; known fields here: baseWeight, carrierId, enabled, priority, warm"),
        Arguments.of(
            with("{carrierId: atlas, baseWeight: 60}", "{carrierId: atlas, baseWeight: 1.5}"),
            "scenario routes[0].carriers[0].baseWeight = 1.5: must be a whole number"),
        Arguments.of(
            with("currency: USD", "currency: USD\n    effectiveFrom: yesterday"),
            "scenario accounts[0].effectiveFrom = \"yesterday\": must be an ISO-8601 instant such as"
                + " 2026-01-01T00:00:00Z or an ISO-8601 duration from the scenario start such as -P30D"));
  }

  @ParameterizedTest
  @MethodSource("badFields")
  void aBadFieldIsNamedInOneLine(String yaml, String expected) {
    ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> Scenario.parse(yaml));
    assertThat(e).as("parsing should fail").isNotNull();
    assertThat(e.getMessage()).isEqualTo(expected).doesNotContain("\n");
    assertThat(e.errors()).containsExactly(expected);
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    String yaml =
        with("currency: USD", "currency: usd")
            .replace("{carrierId: thames, baseWeight: 10}", "{carrierId: thames, baseWeight: -5}");
    ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> Scenario.parse(yaml));
    assertThat(e.errors())
        .containsExactly(
            "scenario routes[1].carriers[0].baseWeight = -5: must be > 0",
            "scenario accounts[0].currency = \"usd\": must be an ISO 4217 currency code such as USD");
    assertThat(e.getMessage()).isEqualTo(String.join("; ", e.errors()));
  }

  @Test
  void anUnknownLatencyChannelIsNamed() {
    assertThatThrownBy(() -> Scenario.parse(with("SMS: {medianMs", "SMTP: {medianMs")))
        .isInstanceOf(ScenarioException.class)
        .hasMessage(
            "scenario latency.SMTP: is not a valid key here; keys must be one of SMS, MMS, VOICE");
  }

  @Test
  void brokenYamlSaysWhere() {
    assertThatThrownBy(() -> Scenario.parse("regions: [us-east\nroutes: {"))
        .isInstanceOf(ScenarioException.class)
        .hasMessage(
            "scenario: not valid YAML at line 2, column 7:"
                + " while parsing a flow sequence: expected ',' or ']', but got :");
  }

  @Test
  void anEmptyDocumentIsRejected() {
    assertThatThrownBy(() -> Scenario.parse("  \n"))
        .isInstanceOf(ScenarioException.class)
        .hasMessage("scenario: the document is empty");
    assertThatThrownBy(() -> Scenario.parse("---\n"))
        .isInstanceOf(ScenarioException.class)
        .hasMessage("scenario: the document is empty");
  }

  @Test
  void aScenarioWithoutRegionsIsRejected() {
    assertThatThrownBy(() -> Scenario.parse("routes: []\n"))
        .hasMessage(
            "scenario regions = []: must list at least one platform region, e.g. [us-east, eu-west]");
  }

  @Test
  void loadNamesTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, with("currency: USD", "currency: usd"));
    assertThatThrownBy(() -> Scenario.load(file))
        .isInstanceOf(ScenarioException.class)
        .hasMessage(
            file
                + ": scenario accounts[0].currency = \"usd\": must be an ISO 4217 currency code such as USD");
  }

  @Test
  void aScenarioBuiltInCodeIsValidatedBySimulator() {
    Scenario parsed = Scenario.parse(VALID);
    Scenario broken =
        new Scenario(
            parsed.name(),
            parsed.seed(),
            parsed.regions(),
            parsed.vantages(),
            parsed.checks(),
            parsed.probeInterval(),
            1.5,
            parsed.routes(),
            parsed.dailyShape(),
            parsed.failureMix(),
            parsed.latency(),
            parsed.duplicates(),
            parsed.late(),
            parsed.accounts(),
            parsed.maintenance(),
            parsed.events(),
            parsed.policies());
    assertThatThrownBy(() -> new Simulator(broken, 1))
        .isInstanceOf(ScenarioException.class)
        .hasMessage("scenario probeFailureRate = 1.5: must be a probability between 0 and 1");
  }
}
