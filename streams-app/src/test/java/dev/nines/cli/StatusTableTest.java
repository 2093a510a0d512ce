package dev.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.api.StatusBuilder;
import dev.nines.views.Model;
import dev.nines.views.Model.Carrier;
import dev.nines.views.Model.Route;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusTableTest {
  @Test
  void routesIncidentsAndTheMonthInAFewLines() {
    Route r =
        new Route(
            "US:SMS",
            "US",
            "SMS",
            4,
            Instant.parse("2026-11-03T10:00:00Z"),
            "NORMAL",
            List.of(
                new Carrier("atlas", 9900, "HEALTHY", 1, "ok"),
                new Carrier("bluewave", 100, "EJECTED", 0.4, "bad")));
    var incident =
        new Model.IncidentView(
            "SMS-us-east-x",
            "SMS",
            "us-east",
            "OPEN",
            Instant.parse("2026-11-03T09:00:00Z"),
            null,
            List.of("sms-send"),
            List.of("v1"),
            false);
    var ledger =
        new Model.Ledger(
            "SMS",
            "us-east",
            "2026-11",
            Instant.parse("2026-11-01T00:00:00Z"),
            Instant.parse("2026-12-01T00:00:00Z"),
            Instant.parse("2026-11-03T10:00:00Z"),
            3_600_000,
            0,
            "99.861111",
            "99.99",
            -3_340_800,
            List.of("SMS-us-east-x"),
            false,
            0);
    var region =
        new Model.Region(
            "SMS",
            "us-east",
            Instant.parse("2026-11-03T10:00:00Z"),
            List.of(LocalDate.parse("2026-11-03")),
            List.of(incident),
            ledger);
    Model.Status s =
        StatusBuilder.build(
            List.of(
                new Model.Local(
                    "a", List.of(new Model.RouteHistory(r, List.of(r))), List.of(region))),
            List.of(),
            90,
            Duration.ofDays(7),
            "99.99");
    String text = StatusTable.render(s);
    assertThat(text)
        .startsWith("nines status as of 2026-11-03 10:00 UTC (event time): 1 open incident\n");
    assertThat(text)
        .contains("US:SMS     NORMAL     v4  atlas 99.00% HEALTHY, bluewave 1.00% EJECTED\n");
    assertThat(text)
        .contains("SMS     us-east    since 2026-11-03 09:00 UTC  checks sms-send " + "from v1\n");
    // budget: 30 days x 0.01% = 259 200 ms, less 3 600 000 ms down = -3 340 800 ms = -55m 40s
    assertThat(text).contains("SMS     us-east    2026-11    99.861111%      \u221255m 40s\n");
  }
}
