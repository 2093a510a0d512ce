package dev.nines.credits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.schema.Service;
import java.time.YearMonth;
import org.junit.jupiter.api.Test;

class CreditIdTest {

  @Test
  void theIdNamesAccountServiceAndMonth() {
    assertThat(CreditId.of("acme", Service.SMS, YearMonth.of(2025, 4)))
        .isEqualTo("credit-acme-SMS-2025-04");
    assertThat(CreditId.of("acme-eu", Service.VOICE, YearMonth.of(999, 12)))
        .isEqualTo("credit-acme-eu-VOICE-0999-12");
  }

  @Test
  void theSameInputsGiveTheSameIdAndAnyDifferenceADifferentOne() {
    YearMonth april = YearMonth.of(2025, 4);
    assertThat(CreditId.of("acme", Service.SMS, april))
        .isEqualTo(CreditId.of(new String("acme"), Service.SMS, YearMonth.of(2025, 4)))
        .isNotEqualTo(CreditId.of("acme", Service.VOICE, april))
        .isNotEqualTo(CreditId.of("acme", Service.SMS, april.plusMonths(1)))
        .isNotEqualTo(CreditId.of("acme2", Service.SMS, april));
  }
}
