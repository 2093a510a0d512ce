package dev.nines.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.feed.synd.SyndFeed;
import com.rometools.rome.io.SyndFeedInput;
import dev.nines.views.Model;
import dev.nines.views.Model.Carrier;
import dev.nines.views.Model.Day;
import dev.nines.views.Model.IncidentView;
import dev.nines.views.Model.Region;
import dev.nines.views.Model.Route;
import dev.nines.views.Model.RouteHistory;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of the page and feed, against values worked out by hand. */
class StatusRenderingTest {
  static final long MIN = 60_000;

  static IncidentView incident(String id, String start, String end, boolean maintenance) {
    return new IncidentView(
        id,
        "SMS",
        "us-east",
        end == null ? "OPEN" : "RESOLVED",
        Instant.parse(start),
        end == null ? null : Instant.parse(end),
        List.of("sms-send"),
        List.of("v1"),
        maintenance);
  }

  static Region region() {
    return new Region(
        "SMS",
        "us-east",
        Instant.parse("2026-11-03T10:30:00Z"),
        List.of(LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-02")),
        List.of(
            incident("A", "2026-11-01T23:50:00Z", "2026-11-02T00:20:00Z", false),
            incident("C", "2026-11-02T12:00:00Z", "2026-11-02T12:05:00Z", true),
            incident("B", "2026-11-03T10:00:00Z", null, false)),
        null);
  }

  @Test
  void eachDayGetsThePartOfEachIncidentThatFallsOnIt() {
    List<Day> days = DailyUptime.days(region(), LocalDate.parse("2026-11-04"), 5);
    assertThat(days)
        .extracting(Day::date)
        .containsExactly(
            LocalDate.parse("2026-10-31"),
            LocalDate.parse("2026-11-01"),
            LocalDate.parse("2026-11-02"),
            LocalDate.parse("2026-11-03"),
            LocalDate.parse("2026-11-04"));
    assertThat(days).extracting(Day::observed).containsExactly(false, true, true, true, false);
    // A: 23:50-00:20 is 10 min on the 1st, 20 on the 2nd; C is maintenance; open B runs to
    // the last seen 10:30
    assertThat(days)
        .extracting(Day::downtimeMs)
        .containsExactly(0L, 10 * MIN, 20 * MIN, 30 * MIN, 0L);
    assertThat(days).extracting(Day::maintenanceMs).containsExactly(0L, 0L, 5 * MIN, 0L, 0L);
    assertThat(days.get(2).incidentIds()).containsExactly("A", "C");
    assertThat(StatusPage.dayClass(days.get(0))).isEqualTo("nodata");
    assertThat(StatusPage.dayClass(days.get(1))).isEqualTo("partial"); // 99.31%
    assertThat(StatusPage.dayTitle(days.get(2)))
        .isEqualTo("2026-11-02: down 20m 0s, maintenance 5m 0s; incidents: A, C");
    assertThat(StatusPage.dayClass(new Day(LocalDate.EPOCH, true, MIN, 0, List.of())))
        .isEqualTo("minor"); // 99.93%
    assertThat(StatusPage.dayClass(new Day(LocalDate.EPOCH, true, 0, MIN, List.of())))
        .isEqualTo("maint");
    assertThat(StatusPage.dayClass(new Day(LocalDate.EPOCH, true, 0, 0, List.of())))
        .isEqualTo("up");
    assertThat(StatusPage.dayClass(new Day(LocalDate.EPOCH, true, 20 * MIN, 0, List.of())))
        .isEqualTo("major"); // 98.6%
  }

  static Route route(long v, String at, int a, String stateB) {
    return new Route(
        "US:SMS",
        "US",
        "SMS",
        v,
        Instant.parse(at),
        "NORMAL",
        List.of(
            new Carrier("atlas", a, "HEALTHY", 1, "fine"),
            new Carrier("bluewave", 10_000 - a, stateB, 0.4, "success 41% < 80% <eject>")));
  }

  static Model.Status status() {
    Route r1 = route(1, "2026-11-03T09:00:00Z", 5000, "HEALTHY");
    Route r2 = route(2, "2026-11-03T10:00:00Z", 9900, "EJECTED");
    return StatusBuilder.build(
        List.of(
            new Model.Local(
                "a:1", List.of(new RouteHistory(r2, List.of(r1, r2))), List.of(region()))),
        List.of(),
        5,
        Duration.ofDays(7),
        "99.99");
  }

  @Test
  void thePublicPageHoldsBarsAndIncidentsWithTheirRawValuesAndNoCarrier() {
    Model.Status s = status();
    assertThat(s.asOf()).isEqualTo(Instant.parse("2026-11-03T10:30:00Z"));
    String html = StatusPage.render(s);
    assertThat(html)
        .contains("<title>nines status</title>")
        .contains("data-region=\"SMS:us-east\"")
        .contains("data-date=\"2026-11-01\" data-downtime-ms=\"600000\"")
        .contains("data-incident-id=\"B\" data-status=\"OPEN\"")
        .contains("data-incident-id=\"A\" data-status=\"RESOLVED\"")
        .contains("1 open incident")
        .doesNotContain("http://", "https://"); // nothing loaded from elsewhere
    // the carrier matrix is the platform's own business: no route, carrier, weight or reason
    assertThat(html)
        .doesNotContain(
            "atlas",
            "bluewave",
            "US:SMS",
            "data-carrier",
            "data-route",
            "41%",
            "api/status",
            "metrics");
    // 5 days: the bar cells
    assertThat(html.split("class=\"d ", -1).length - 1).isEqualTo(5 + 6); // + legend
  }

  @Test
  void theInternalPageAddsEveryRouteWithItsCarriersWeightsAndReasons() {
    String html = StatusPage.renderInternal(status());
    assertThat(html)
        .contains("<title>nines status (internal)</title>")
        .contains("data-region=\"SMS:us-east\"")
        .contains("data-incident-id=\"B\" data-status=\"OPEN\"")
        .contains("data-route=\"US:SMS\"")
        .contains("data-carrier=\"bluewave\" data-weight=\"100\" data-state=\"EJECTED\"")
        .contains("data-carrier=\"atlas\" data-weight=\"9900\"")
        .contains("success 41% &lt; 80% &lt;eject&gt;") // escaped
        .doesNotContain("<eject>")
        .doesNotContain("http://", "https://");
  }

  @Test
  void theInternalPageShowsStandbyTiersAndCanaries() {
    Route r =
        new Route(
            "GB:SMS",
            "GB",
            "SMS",
            4,
            Instant.parse("2026-11-03T10:00:00Z"),
            "NORMAL",
            List.of(
                new Carrier("thames", 100, "EJECTED", 0.3, "ejected", 0, false),
                new Carrier("elbe", 100, "RECOVERING", 1, "canary at the trickle", 0, true),
                new Carrier("severn", 9800, "HEALTHY", 1, "standby takes the spill", 1, false)));
    Model.Status s =
        StatusBuilder.build(
            List.of(new Model.Local("a:1", List.of(new RouteHistory(r, List.of(r))), List.of())),
            List.of(),
            5,
            Duration.ofDays(7),
            "99.99");
    String html = StatusPage.renderInternal(s);
    assertThat(html)
        .contains(
            "data-carrier=\"severn\" data-weight=\"9800\" data-state=\"HEALTHY\" data-priority=\"1\" data-canary=\"false\"")
        .contains("severn <span class=\"tier\">standby 1</span>")
        .contains(
            "data-carrier=\"elbe\" data-weight=\"100\" data-state=\"RECOVERING\" data-priority=\"0\" data-canary=\"true\"")
        .contains("RECOVERING</span> <span class=\"tier canary\">canary</span>")
        .doesNotContain("thames <span");
    // the public page shows none of it
    assertThat(StatusPage.render(s))
        .doesNotContain("severn", "standby 1", "<span class=\"tier canary\">");
  }

  @Test
  void aFeedScopedToAServiceAndRegionHoldsOnlyItsIncidents() {
    Model.Status s = status(); // SMS in us-east: A, B and C
    String sms =
        AtomFeed.render(s, "https://status.example/", new AtomFeed.Scope("SMS", "us-east"));
    assertThat(sms)
        .contains("<title>nines status: incidents of SMS in us-east</title>")
        .contains("<id>urn:nines:incidents:SMS:us-east</id>")
        .contains(
            "<link rel=\"self\" type=\"application/atom+xml\" "
                + "href=\"https://status.example/feed.atom?service=SMS&amp;region=us-east\"/>");
    assertThat(sms.split("<entry>", -1).length - 1).isEqualTo(3);
    String voice = AtomFeed.render(s, "https://status.example/", new AtomFeed.Scope("VOICE", null));
    assertThat(voice).contains("<id>urn:nines:incidents:VOICE</id>").doesNotContain("<entry>");
    String elsewhere =
        AtomFeed.render(s, "https://status.example/", new AtomFeed.Scope(null, "eu-west"));
    assertThat(elsewhere)
        .contains("<id>urn:nines:incidents:*:eu-west</id>")
        .doesNotContain("<entry>");
    // the whole feed as before
    assertThat(AtomFeed.render(s, "https://status.example/"))
        .contains("<title>nines status: incidents</title>", "<id>urn:nines:incidents</id>");
    // the page links each component's feed
    assertThat(StatusPage.render(s))
        .contains(
            "<a class=\"feed\" href=\"feed.atom?service=SMS&amp;region=us-east\" "
                + "title=\"Atom feed of SMS in us-east\">feed</a>")
        .contains(
            "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Incidents\" href=\"feed.atom\">");
  }

  @Test
  void upcomingAndOngoingMaintenanceIsOnThePageAndInTheFeed() {
    // asOf is 2026-11-03T10:30Z (the region's last probe)
    Model.MaintenanceView past =
        new Model.MaintenanceView(
            "mw-past",
            "SMS",
            "us-east",
            Instant.parse("2026-11-02T01:00:00Z"),
            Instant.parse("2026-11-02T02:00:00Z"));
    Model.MaintenanceView ongoing =
        new Model.MaintenanceView(
            "mw-now",
            "SMS",
            "us-east",
            Instant.parse("2026-11-03T10:00:00Z"),
            Instant.parse("2026-11-03T11:00:00Z"));
    Model.MaintenanceView upcoming =
        new Model.MaintenanceView(
            "mw-next",
            "VOICE",
            "ap-south",
            Instant.parse("2026-11-05T22:00:00Z"),
            Instant.parse("2026-11-05T23:30:00Z"));
    Model.Status s =
        StatusBuilder.build(
            List.of(
                new Model.Local("a:1", List.of(), List.of(region()), List.of(upcoming, past)),
                new Model.Local("b:1", List.of(), List.of(), List.of(ongoing, upcoming))),
            List.of(),
            5,
            Duration.ofDays(7),
            "99.99");
    assertThat(s.maintenance()).containsExactly(ongoing, upcoming);
    String html = StatusPage.render(s);
    assertThat(html)
        .contains(
            "<article class=\"mwindow ongoing\" data-window=\"mw-now\" data-service=\"SMS\" "
                + "data-region=\"us-east\" data-state=\"ongoing\">")
        .contains(
            "data-window=\"mw-next\" data-service=\"VOICE\" data-region=\"ap-south\" "
                + "data-state=\"upcoming\">")
        .contains("2026-11-05 22:00 UTC to 2026-11-05 23:30 UTC")
        .contains("data-from=\"2026-11-05T22:00:00Z\" data-to=\"2026-11-05T23:30:00Z\"")
        .doesNotContain("mw-past");
    String feed = AtomFeed.render(s, "https://status.example/");
    assertThat(feed)
        .contains("<id>urn:nines:maintenance:VOICE:mw-next</id>")
        .contains(
            "<title>VOICE in ap-south: maintenance scheduled, 2026-11-05 22:00 UTC to"
                + " 2026-11-05 23:30 UTC</title>")
        .contains("<category term=\"maintenance\"/>")
        .contains("<category term=\"maintenance-scheduled\"/>")
        // the one under way is retitled; the one that ended within the recent week is told
        // completed, updated at its end
        .contains(
            "<title>SMS in us-east: maintenance in progress, 2026-11-03 10:00 UTC to"
                + " 2026-11-03 11:00 UTC</title>")
        .contains(
            "<title>SMS in us-east: maintenance completed, 2026-11-02 01:00 UTC to"
                + " 2026-11-02 02:00 UTC</title>\n    <updated>2026-11-02T02:00:00Z</updated>");
    assertThat(s.recentMaintenance()).containsExactly(past);
    assertThat(AtomFeed.render(s, "https://status.example/", new AtomFeed.Scope("SMS", null)))
        .contains("urn:nines:maintenance:SMS:mw-now")
        .doesNotContain("mw-next");
  }

  @Test
  void queriesAreDecoded() {
    assertThat(ApiServer.query("/feed.atom?service=SMS&region=eu%2Dwest&x"))
        .containsEntry("service", "SMS")
        .containsEntry("region", "eu-west")
        .containsEntry("x", "");
    assertThat(ApiServer.query("/feed.atom")).isEmpty();
  }

  @Test
  void theFeedNamesNoCarrier() {
    assertThat(AtomFeed.render(status(), "http://127.0.0.1:8080/"))
        .doesNotContain("atlas", "bluewave", "US:SMS");
  }

  @Test
  void theChartStacksEachDecisionUntilTheNext() {
    Route r1 = route(1, "2026-11-03T09:00:00Z", 5000, "HEALTHY");
    Route r2 = route(2, "2026-11-03T10:00:00Z", 9900, "EJECTED");
    String svg =
        WeightsChart.svg(
            List.of(r1, r2),
            Instant.parse("2026-11-03T09:00:00Z"),
            Instant.parse("2026-11-03T11:00:00Z"));
    // first hour = left half (x 0..300): atlas 50% at the bottom (y 60..120), bluewave on top;
    // second hour: atlas 99% (height 118.8), bluewave 1% (1.2)
    assertThat(svg)
        .contains("<rect x=\"0.00\" y=\"60.00\" width=\"300.00\" height=\"60.00\"")
        .contains("<rect x=\"0.00\" y=\"0.00\" width=\"300.00\" height=\"60.00\"")
        .contains("<rect x=\"300.00\" y=\"1.20\" width=\"300.00\" height=\"118.80\"")
        .contains("<rect x=\"300.00\" y=\"0.00\" width=\"300.00\" height=\"1.20\"")
        .contains("bluewave 1.00% EJECTED");
  }

  @Test
  void theFeedIsAtomThatRomeReads() throws Exception {
    String xml = AtomFeed.render(status(), "http://127.0.0.1:8080/");
    SyndFeed feed = new SyndFeedInput().build(new StringReader(xml));
    assertThat(feed.getFeedType()).isEqualTo("atom_1.0");
    assertThat(feed.getEntries())
        .extracting(SyndEntry::getUri)
        .containsExactly("urn:nines:incident:B", "urn:nines:incident:C", "urn:nines:incident:A");
    SyndEntry b = feed.getEntries().get(0);
    assertThat(b.getTitle()).isEqualTo("SMS in us-east: down");
    assertThat(b.getUpdatedDate().toInstant()).isEqualTo(Instant.parse("2026-11-03T10:00:00Z"));
    SyndEntry a = feed.getEntries().get(2);
    assertThat(a.getTitle()).isEqualTo("SMS in us-east: resolved after 30m 0s");
    assertThat(a.getPublishedDate().toInstant()).isEqualTo(Instant.parse("2026-11-01T23:50:00Z"));
    assertThat(a.getLink()).isEqualTo("http://127.0.0.1:8080/#incident-A");
    assertThat(feed.getPublishedDate().toInstant())
        .isEqualTo(Instant.parse("2026-11-03T10:00:00Z"));
  }

  @Test
  void controlCharactersInNamesDoNotBreakTheFeed() throws Exception {
    // a region name as a producer wrote it: with a NUL, an escape and a bell among its letters
    Region r =
        new Region(
            "SMS",
            "eu\u0000-west\u001b[31m\u0007",
            Instant.parse("2026-11-03T10:30:00Z"),
            List.of(LocalDate.parse("2026-11-03")),
            List.of(
                new IncidentView(
                    "D\u0001",
                    "SMS",
                    "eu\u0000-west\u001b[31m\u0007",
                    "OPEN",
                    Instant.parse("2026-11-03T10:00:00Z"),
                    null,
                    List.of("sms-send"),
                    List.of("v1"),
                    false)),
            null);
    Model.Status st =
        StatusBuilder.build(
            List.of(new Model.Local("a:1", List.of(), List.of(r))),
            List.of(),
            5,
            Duration.ofDays(7),
            "99.99");
    String xml = AtomFeed.render(st, "http://127.0.0.1:8080/");
    SyndFeed feed = new SyndFeedInput().build(new StringReader(xml));
    assertThat(feed.getEntries())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getTitle()).isEqualTo("SMS in eu-west[31m: down");
              assertThat(e.getUri()).isEqualTo("urn:nines:incident:D");
            });
    assertThat(Texts.escape("a\tb\nc\u0000d\ud83d\ude00e\ud83df\uffffg"))
        .as("tab and line feed kept, a pair kept, a lone surrogate and U+FFFF dropped")
        .isEqualTo("a\tb\ncd\ud83d\ude00efg");
  }

  @Test
  void durationsReadLikePeopleWriteThem() {
    assertThat(Texts.duration(0)).isEqualTo("0s");
    assertThat(Texts.duration(45_999)).isEqualTo("45s");
    assertThat(Texts.duration(192_000)).isEqualTo("3m 12s");
    assertThat(Texts.duration(3_900_000)).isEqualTo("1h 5m");
    assertThat(Texts.duration(183_600_000)).isEqualTo("2d 3h");
    assertThat(Texts.duration(-61_000)).isEqualTo("\u22121m 1s");
    assertThat(Texts.escape("<a href=\"x\">&'"))
        .isEqualTo("&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  }
}
