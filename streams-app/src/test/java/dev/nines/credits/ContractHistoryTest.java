package dev.nines.credits;

import static dev.nines.credits.CreditFixtures.at;
import static dev.nines.credits.CreditFixtures.contract;
import static dev.nines.credits.CreditFixtures.history;
import static dev.nines.credits.CreditFixtures.tier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.schema.SlaContract;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContractHistoryTest {

  private static final YearMonth APRIL = YearMonth.of(2025, 4);

  private static SlaContract version(String from, String to, String tier) {
    return contract()
        .setTier(tier)
        .setEffectiveFrom(at(from))
        .setEffectiveTo(to == null ? null : at(to))
        .build();
  }

  private static String tierAt(ContractHistory h, String instant) {
    return h.inForceAt(at(instant)).map(Contract::tier).orElse(null);
  }

  private static String governing(ContractHistory h, YearMonth month) {
    return h.governing(month).map(Contract::tier).orElse(null);
  }

  @Test
  void anEmptyHistoryHasNothingInForce() {
    ContractHistory h = ContractHistory.empty();
    assertThat(h.isEmpty()).isTrue();
    assertThat(h.accountId()).isEmpty();
    assertThat(h.inForceAt(at("2025-01-01T00:00:00Z"))).isEmpty();
    assertThat(h.governing(APRIL)).isEmpty();
  }

  @Test
  void aVersionIsInForceFromEffectiveFromInclusiveToEffectiveToExclusive() {
    ContractHistory h = history(version("2025-02-01T00:00:00Z", "2025-03-01T00:00:00Z", "v1"));
    assertThat(tierAt(h, "2025-01-31T23:59:59.999Z")).isNull();
    assertThat(tierAt(h, "2025-02-01T00:00:00Z")).isEqualTo("v1");
    assertThat(tierAt(h, "2025-02-28T23:59:59.999Z")).isEqualTo("v1");
    assertThat(tierAt(h, "2025-03-01T00:00:00Z")).isNull();
  }

  @Test
  void whereVersionsOverlapTheLatestEffectiveFromIsInForce() {
    ContractHistory h =
        history(
            version("2025-01-01T00:00:00Z", null, "base"),
            version("2025-03-01T00:00:00Z", "2025-07-01T00:00:00Z", "promo"));
    assertThat(tierAt(h, "2025-02-15T00:00:00Z")).isEqualTo("base");
    assertThat(tierAt(h, "2025-04-15T00:00:00Z")).isEqualTo("promo");
    // when the newer one ends, the older open-ended one is in force again
    assertThat(tierAt(h, "2025-07-01T00:00:00Z")).isEqualTo("base");
  }

  @Test
  void theOrderInWhichVersionsArriveDoesNotMatter() {
    SlaContract a = version("2025-01-01T00:00:00Z", null, "a");
    SlaContract b = version("2025-03-01T00:00:00Z", null, "b");
    SlaContract c = version("2025-02-01T00:00:00Z", null, "c");
    ContractHistory h = history(a, b, c);
    assertThat(history(c, a, b)).isEqualTo(h);
    assertThat(history(b, c, a, b)).isEqualTo(h);
    assertThat(h.versions()).extracting(Contract::tier).containsExactly("a", "c", "b");
    assertThat(tierAt(h, "2025-02-15T00:00:00Z")).isEqualTo("c");
  }

  @Test
  void aVersionWithTheSameEffectiveFromReplacesTheKeptOne() {
    ContractHistory h =
        history(
            version("2025-01-01T00:00:00Z", null, "open"),
            version("2025-01-01T00:00:00Z", "2025-04-10T00:00:00Z", "ended"));
    assertThat(h.versions()).extracting(Contract::tier).containsExactly("ended");
    assertThat(tierAt(h, "2025-04-11T00:00:00Z")).isNull();
  }

  @Test
  void anInvalidUpdateIsRejectedAndThePreviousVersionStaysInForce() {
    ContractHistory h = history(version("2025-01-01T00:00:00Z", null, "good"));
    SlaContract bad =
        contract().setEffectiveFrom(at("2025-03-01T00:00:00Z")).setCurrency("usd").build();
    ContractHistory.Update u = h.with(bad);
    assertThat(u.accepted()).isFalse();
    assertThat(u.problems())
        .containsExactly("currency = \"usd\": expected an ISO 4217 code, e.g. \"USD\"");
    assertThat(u.history()).isSameAs(h);
    assertThat(tierAt(u.history(), "2025-04-01T00:00:00Z")).isEqualTo("good");
  }

  @Test
  void aVersionOfAnotherAccountIsRejected() {
    ContractHistory h = history(contract().build());
    ContractHistory.Update u = h.with(contract().setAccountId("globex").build());
    assertThat(u.problems())
        .containsExactly(
            "accountId = \"globex\": this history is of \"acme\", expected a version of that account");
    assertThat(u.history()).isSameAs(h);
  }

  @Test
  void theVersionInForceAtTheMonthsLastMillisecondGovernsTheMonth() {
    // changed mid-month: the new one governs all of April
    assertThat(
            governing(
                history(
                    version("2024-01-01T00:00:00Z", null, "old"),
                    version("2025-04-15T00:00:00Z", null, "new")),
                APRIL))
        .isEqualTo("new");
    // changed at May's first instant: April is still the old one's
    assertThat(
            governing(
                history(
                    version("2024-01-01T00:00:00Z", null, "old"),
                    version("2025-05-01T00:00:00Z", null, "new")),
                APRIL))
        .isEqualTo("old");
    // changed at April's last millisecond: that one governs April
    assertThat(
            governing(
                history(
                    version("2024-01-01T00:00:00Z", null, "old"),
                    version("2025-04-30T23:59:59.999Z", null, "new")),
                APRIL))
        .isEqualTo("new");
  }

  @Test
  void aContractThatEndedBeforeTheMonthsEndGovernsNothing() {
    assertThat(
            governing(history(version("2024-01-01T00:00:00Z", "2025-04-20T00:00:00Z", "x")), APRIL))
        .isNull();
    assertThat(
            governing(
                history(version("2024-01-01T00:00:00Z", "2025-04-30T23:59:59.999Z", "x")), APRIL))
        .isNull();
    // ending exactly at the month boundary covers all of April
    assertThat(
            governing(history(version("2024-01-01T00:00:00Z", "2025-05-01T00:00:00Z", "x")), APRIL))
        .isEqualTo("x");
  }

  @Test
  void versionsAreParsedExactlyAndKeptToTheMillisecond() {
    Contract v =
        history(
                contract()
                    .setTargetPercent("99.990")
                    .setEffectiveFrom(at("2025-01-01T00:00:00.123456789Z"))
                    .setEffectiveTo(at("2025-02-01T00:00:00.000999Z"))
                    .build())
            .versions()
            .get(0);
    assertThat(v.targetPercent()).isEqualTo(new BigDecimal("99.990"));
    assertThat(v.effectiveFrom()).isEqualTo(at("2025-01-01T00:00:00.123Z"));
    assertThat(v.effectiveTo()).isEqualTo(at("2025-02-01T00:00:00Z"));
    assertThat(v.creditSchedule())
        .containsExactly(
            new Tier(new BigDecimal("99.99"), 10),
            new Tier(new BigDecimal("99.0"), 25),
            new Tier(new BigDecimal("95.0"), 100));
  }

  @Test
  void changingTheAvroRecordAfterwardsDoesNotChangeTheHistory() {
    SlaContract c = contract().build();
    ContractHistory h = history(c);
    c.getRegions().add("ap-south");
    c.getCreditSchedule().set(0, tier("99.999", 50));
    c.setCurrency("EUR");
    assertThat(h.versions().get(0).regions()).containsExactly("us-east", "eu-west");
    assertThat(h.versions().get(0).creditSchedule().get(0).creditPercent()).isEqualTo(10);
    assertThat(h.versions().get(0).currency()).isEqualTo("USD");
  }

  @Test
  void bytesRoundTrip() {
    ContractHistory h =
        history(
            contract()
                .setAccountId("ácme-β")
                .setTargetPercent("99.990")
                .setRegions(List.of("us-east", "eu-west", "us-east"))
                .build(),
            contract()
                .setAccountId("ácme-β")
                .setTier("promo")
                .setEffectiveFrom(at("2025-03-01T00:00:00.001Z"))
                .setEffectiveTo(at("2025-07-01T00:00:00Z"))
                .setCreditSchedule(List.of(tier("100", 0)))
                .build());
    byte[] bytes = h.toBytes();
    ContractHistory back = ContractHistory.fromBytes(bytes);
    assertThat(back).isEqualTo(h);
    assertThat(back.versions()).isEqualTo(h.versions());
    assertThat(back.versions().get(0).targetPercent().toPlainString()).isEqualTo("99.990");
    assertThat(back.accountId()).contains("ácme-β");
    assertThat(back.toBytes()).isEqualTo(bytes);
    assertThat(ContractHistory.fromBytes(ContractHistory.empty().toBytes()))
        .isEqualTo(ContractHistory.empty());
  }

  @Test
  void corruptBytesFailLoudly() {
    byte[] good = history(contract().build()).toBytes();
    byte[] otherFormat = good.clone();
    otherFormat[0] = 9;
    assertThatThrownBy(() -> ContractHistory.fromBytes(otherFormat))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("format 9");
    assertThatThrownBy(() -> ContractHistory.fromBytes(Arrays.copyOf(good, good.length - 3)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ContractHistory.fromBytes(Arrays.copyOf(good, good.length + 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("left after");
  }

  @Test
  void theTermsSurviveTheStoreAndFormatOneReadsAsTheDefaults() {
    ContractHistory h =
        history(
            contract()
                .setTimeZone("Europe/Berlin")
                .setMinMaintenanceNotice("P14D")
                .setDisputeWindow("P30D")
                .build());
    ContractHistory read = ContractHistory.fromBytes(h.toBytes());
    assertThat(read).isEqualTo(h);
    Contract.Terms t = read.versions().get(0).terms();
    assertThat(t.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(t.minMaintenanceNotice()).isEqualTo(Duration.ofDays(14));
    assertThat(t.errorRate()).isNull();
    assertThat(t.disputeWindow()).isEqualTo(Duration.ofDays(30));
    // format 1 is format 2 without the terms: the same bytes up to them, format byte 1
    ContractHistory plain = history(contract().build());
    byte[] two = plain.toBytes();
    // UTC ("Z"), no notice, no error rate, no dispute window: 4 + 1 + 1 + 1 bytes of terms
    byte[] one = Arrays.copyOf(two, two.length - (4 + 1 + 1 + 1 + 1));
    one[0] = 1;
    assertThat(ContractHistory.fromBytes(one)).isEqualTo(plain);
    assertThat(ContractHistory.fromBytes(one).versions().get(0).terms())
        .isEqualTo(Contract.Terms.DEFAULT);
  }
}
