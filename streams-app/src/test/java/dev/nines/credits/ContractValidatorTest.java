package dev.nines.credits;

import static dev.nines.credits.CreditFixtures.contract;
import static dev.nines.credits.CreditFixtures.fee;
import static dev.nines.credits.CreditFixtures.tier;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.schema.ErrorRateDowntimeRule;
import dev.nines.schema.Service;
import dev.nines.schema.SlaContract;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContractValidatorTest {

  /** The problems of the typical contract with one change. */
  private static List<String> problems(Consumer<SlaContract> change) {
    SlaContract c = contract().build();
    change.accept(c);
    return ContractValidator.problems(c);
  }

  @Test
  void theTypicalContractIsValid() {
    assertThat(ContractValidator.problems(contract().build())).isEmpty();
  }

  @Test
  void accountIdMustNotBeBlank() {
    assertThat(problems(c -> c.setAccountId("  ")))
        .containsExactly("accountId = \"  \": expected a non-blank account id");
    assertThat(problems(c -> c.setAccountId(null)))
        .containsExactly("accountId = null: expected a non-blank account id");
  }

  @Test
  void tierMustBePresent() {
    assertThat(problems(c -> c.setTier(null)))
        .containsExactly("tier is missing: expected the contract's tier name");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "abc", "0", "0.0", "100.01", "101", "-5", "+99", "1e2", " 99.9", "99.", ".5", "99,99", ""
      })
  void targetPercentMustBeAPlainDecimalAbove0AndAtMost100(String target) {
    assertThat(problems(c -> c.setTargetPercent(target)))
        .containsExactly(
            "targetPercent = \""
                + target
                + "\": expected a plain decimal above 0 and at most 100, e.g. \"99.99\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"100", "100.000", "0.001", "99.999", "050"})
  void targetPercentAtTheEdgesIsValid(String target) {
    assertThat(problems(c -> c.setTargetPercent(target))).isEmpty();
  }

  @Test
  void atLeastOneNonBlankRegion() {
    assertThat(problems(c -> c.setRegions(List.of())))
        .containsExactly(
            "regions is empty: expected at least one covered region, e.g. \"us-east\"");
    assertThat(problems(c -> c.setRegions(List.of("us-east", " "))))
        .containsExactly("regions[1] = \" \": expected a non-blank region name");
  }

  @Test
  void aRegionListedTwiceIsHarmless() {
    assertThat(problems(c -> c.setRegions(List.of("us-east", "us-east")))).isEmpty();
  }

  @Test
  void servicesMustBeKnownListedOnceWithAFeeOfZeroOrMore() {
    assertThat(problems(c -> c.setServices(List.of())))
        .containsExactly("services is empty: expected at least one {service, monthlyFeeMinor}");
    assertThat(problems(c -> c.setServices(List.of(fee(Service.UNKNOWN, 1)))))
        .containsExactly("services[0].service = UNKNOWN: expected one of SMS, VOICE, VERIFY");
    assertThat(
            problems(
                c ->
                    c.setServices(
                        List.of(fee(Service.SMS, 1), fee(Service.VOICE, 1), fee(Service.SMS, 2)))))
        .containsExactly(
            "services[2].service = SMS is already services[0]: expected each service once");
    assertThat(problems(c -> c.setServices(List.of(fee(Service.SMS, -1)))))
        .containsExactly(
            "services[0].monthlyFeeMinor = -1: expected 0 or more minor units of the currency");
    assertThat(problems(c -> c.setServices(List.of(fee(Service.SMS, 0))))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"usd", "XYZ", "US", "", "EURO"})
  void currencyMustBeAnIso4217Code(String currency) {
    assertThat(problems(c -> c.setCurrency(currency)))
        .containsExactly(
            "currency = \"" + currency + "\": expected an ISO 4217 code, e.g. \"USD\"");
  }

  @Test
  void otherIso4217CodesAreValid() {
    assertThat(problems(c -> c.setCurrency("JPY"))).isEmpty();
    assertThat(problems(c -> c.setCurrency("EUR"))).isEmpty();
  }

  @Test
  void theScheduleNeedsARow() {
    assertThat(problems(c -> c.setCreditSchedule(List.of())))
        .containsExactly(
            "creditSchedule is empty: expected at least one {belowPercent, creditPercent} row");
  }

  @Test
  void belowPercentMustBeAPlainDecimalAbove0AndAtMost100() {
    assertThat(problems(c -> c.setCreditSchedule(List.of(tier("99.99", 10), tier("abc", 25)))))
        .containsExactly(
            "creditSchedule[1].belowPercent = \"abc\": expected a plain decimal "
                + "above 0 and at most 100");
    assertThat(problems(c -> c.setCreditSchedule(List.of(tier("0", 10)))))
        .containsExactly(
            "creditSchedule[0].belowPercent = \"0\": expected a plain decimal above 0 and at most 100");
    assertThat(problems(c -> c.setCreditSchedule(List.of(tier("100", 10))))).isEmpty();
  }

  @Test
  void rowsMustBeInStrictlyDescendingBelowPercent() {
    assertThat(problems(c -> c.setCreditSchedule(List.of(tier("99.0", 10), tier("99.99", 25)))))
        .containsExactly(
            "creditSchedule[1].belowPercent = \"99.99\" is not below "
                + "creditSchedule[0].belowPercent = \"99.0\": expected rows in strictly descending "
                + "belowPercent, e.g. 99.99, 99.0, 95.0");
    // equal by value though written differently
    assertThat(problems(c -> c.setCreditSchedule(List.of(tier("99.0", 10), tier("99.00", 25)))))
        .containsExactly(
            "creditSchedule[1].belowPercent = \"99.00\" is not below "
                + "creditSchedule[0].belowPercent = \"99.0\": expected rows in strictly descending "
                + "belowPercent, e.g. 99.99, 99.0, 95.0");
  }

  @Test
  void aLowerRowMustNotGiveASmallerCredit() {
    assertThat(problems(c -> c.setCreditSchedule(List.of(tier("99.99", 25), tier("99.0", 10)))))
        .containsExactly(
            "creditSchedule[1].creditPercent = 10 is less than "
                + "creditSchedule[0].creditPercent = 25: expected a lower belowPercent to give at "
                + "least the credit of the row above");
    assertThat(problems(c -> c.setCreditSchedule(List.of(tier("99.99", 25), tier("99.0", 25)))))
        .isEmpty();
  }

  @Test
  void creditPercentIsFrom0To100() {
    assertThat(problems(c -> c.setCreditSchedule(List.of(tier("99.99", 101)))))
        .containsExactly("creditSchedule[0].creditPercent = 101: expected 0 to 100");
    assertThat(problems(c -> c.setCreditSchedule(List.of(tier("99.99", -1)))))
        .containsExactly("creditSchedule[0].creditPercent = -1: expected 0 to 100");
    assertThat(problems(c -> c.setCreditSchedule(List.of(tier("99.99", 0), tier("99", 100)))))
        .isEmpty();
  }

  @Test
  void effectiveFromIsRequiredAndEffectiveToAfterIt() {
    // put: the generated setter truncates and so cannot take null
    assertThat(problems(c -> c.put("effectiveFrom", null)))
        .containsExactly(
            "effectiveFrom is missing: expected the instant the contract takes effect");
    Instant from = CreditFixtures.SINCE_2024;
    assertThat(problems(c -> c.setEffectiveTo(from)))
        .containsExactly(
            "effectiveTo = 2024-01-01T00:00:00Z is not after effectiveFrom = 2024-01-01T00:00:00Z: "
                + "expected a later effectiveTo, or null for no end");
    assertThat(problems(c -> c.setEffectiveTo(from.minusSeconds(1)))).hasSize(1);
    // to the millisecond: a later instant within the same millisecond is not later
    assertThat(problems(c -> c.setEffectiveTo(from.plusNanos(999_999)))).hasSize(1);
    assertThat(problems(c -> c.setEffectiveTo(from.plusMillis(1)))).isEmpty();
  }

  @Test
  void everyProblemIsReportedAtOnceInFieldOrder() {
    assertThat(
            problems(
                c -> {
                  c.setAccountId("");
                  c.setCurrency("usd");
                  c.setCreditSchedule(List.of(tier("95", 100), tier("99", 10)));
                }))
        .containsExactly(
            "accountId = \"\": expected a non-blank account id",
            "currency = \"usd\": expected an ISO 4217 code, e.g. \"USD\"",
            "creditSchedule[1].belowPercent = \"99\" is not below creditSchedule[0].belowPercent = "
                + "\"95\": expected rows in strictly descending belowPercent, e.g. 99.99, 99.0, 95.0",
            "creditSchedule[1].creditPercent = 10 is less than creditSchedule[0].creditPercent = 100: "
                + "expected a lower belowPercent to give at least the credit of the row above");
  }

  @Test
  void missingListsAndRowsAreProblemsNotExceptions() {
    SlaContract c = new SlaContract();
    assertThat(ContractValidator.problems(c)).hasSize(8);
    assertThat(problems(x -> x.setServices(Arrays.asList(fee(Service.SMS, 1), null))))
        .containsExactly("services[1] is missing: expected {service, monthlyFeeMinor}");
    assertThat(problems(x -> x.setCreditSchedule(Arrays.asList(tier("99", 1), null))))
        .containsExactly("creditSchedule[1] is missing: expected {belowPercent, creditPercent}");
  }

  @Test
  void theOptionalTermsAreCheckedWhenPresent() {
    assertThat(
            problems(
                c -> {
                  c.setTimeZone("Europe/Berlin");
                  c.setMinMaintenanceNotice("P14D");
                  c.setDisputeWindow("P60D");
                }))
        .isEmpty();
    assertThat(problems(c -> c.setErrorRateDowntime(new ErrorRateDowntimeRule("5", "PT5M", 100))))
        .isEmpty();
    assertThat(problems(c -> c.setErrorRateDowntime(new ErrorRateDowntimeRule("0", "PT1H", 1))))
        .isEmpty();
    assertThat(problems(c -> c.setTimeZone("Mars/Olympus")))
        .containsExactly(
            "timeZone = \"Mars/Olympus\": expected an IANA time zone such as \"Europe/Berlin\","
                + " or null for UTC");
    assertThat(problems(c -> c.setMinMaintenanceNotice("two weeks")))
        .containsExactly(
            "minMaintenanceNotice = \"two weeks\": expected an ISO-8601 duration from 0 to"
                + " P3650D, e.g. \"P14D\", or null for any notice");
    assertThat(problems(c -> c.setMinMaintenanceNotice("P3650D"))).isEmpty();
    assertThat(problems(c -> c.setMinMaintenanceNotice("P3651D"))).hasSize(1);
    assertThat(problems(c -> c.setDisputeWindow("PT0S")))
        .containsExactly(
            "disputeWindow = \"PT0S\": expected a positive ISO-8601 duration up to P3650D, e.g."
                + " \"P60D\", or null for P60D");
    // long enough to overflow an instant in milliseconds: refused, not a crash at the close
    assertThat(problems(c -> c.setDisputeWindow("P200000000000D"))).hasSize(1);
    assertThat(problems(c -> c.setErrorRateDowntime(new ErrorRateDowntimeRule("5", "PT7M", 1))))
        .containsExactly(
            "errorRateDowntime.period = PT7M: expected whole minutes that divide an hour, e.g."
                + " PT1M, PT5M or PT1H");
    // a day divides into 2-hour periods, but receipts are counted per hour
    assertThat(problems(c -> c.setErrorRateDowntime(new ErrorRateDowntimeRule("5", "PT2H", 1))))
        .hasSize(1);
    assertThat(problems(c -> c.setErrorRateDowntime(new ErrorRateDowntimeRule("5", "PT30S", 1))))
        .hasSize(1);
    assertThat(problems(c -> c.setErrorRateDowntime(new ErrorRateDowntimeRule("5%", "PT1M", 1))))
        .containsExactly(
            "errorRateDowntime.thresholdPercent = \"5%\": expected a plain decimal from 0 to below"
                + " 100");
    assertThat(problems(c -> c.setErrorRateDowntime(new ErrorRateDowntimeRule("5", "PT1M", 0))))
        .containsExactly("errorRateDowntime.minAttempts = 0: expected at least 1");
  }
}
