package dev.nines.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayPlanTest {

  @Test
  void instantsDatesAndMonthsAreUtc() {
    assertThat(ReplayPlan.instant("--from", "2026-10-05T12:30:00Z"))
        .isEqualTo(Instant.parse("2026-10-05T12:30:00Z"));
    assertThat(ReplayPlan.instant("--from", "2026-10-05"))
        .isEqualTo(Instant.parse("2026-10-05T00:00:00Z"));
    assertThat(ReplayPlan.instant("--from", " 2026-10 "))
        .isEqualTo(Instant.parse("2026-10-01T00:00:00Z"));
  }

  @Test
  void defaultSuffixIsTheMonthOfFromAndTheApplicationIdCarriesIt() {
    ReplayPlan p = ReplayPlan.of("2026-10-31T23:00:00Z", "2026-11-02", null, "nines");
    assertThat(p.suffix()).isEqualTo(".replay-2026-10");
    assertThat(p.applicationId()).isEqualTo("nines.replay-2026-10");
    assertThat(ReplayPlan.of("2026-10", "2026-11", "-what-if", "app").applicationId())
        .isEqualTo("app-what-if");
  }

  @Test
  void emptyRangeIsRefused() {
    assertThatThrownBy(() -> ReplayPlan.of("2026-10", "2026-10-01T00:00:00Z", null, "nines"))
        .hasMessageStartingWith(
            "--to 2026-10-01T00:00:00Z is not after --from " + "2026-10-01T00:00:00Z");
  }

  @Test
  void suffixMustBeNonEmptyTopicCharacters() {
    assertThatThrownBy(() -> ReplayPlan.of("2026-10", "2026-11", "", "nines"))
        .hasMessageStartingWith("--suffix is empty: the replay would write into the live topics");
    assertThatThrownBy(() -> ReplayPlan.of("2026-10", "2026-11", ".a b", "nines"))
        .hasMessageStartingWith("--suffix '.a b': expected only letters, digits");
  }
}
