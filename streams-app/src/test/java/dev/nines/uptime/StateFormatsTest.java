package dev.nines.uptime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.YearMonth;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * State written by the previous release (format 1, laid out by hand here as that release wrote
 * it) is read by this one, and this one's state round-trips.
 */
class StateFormatsTest {
  static byte[] healthV1(long last, String failingCheck, String failingVantage) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeByte(1);
    out.writeLong(last);
    out.writeInt(0); // recent ids
    out.writeInt(1); // failing pairs
    out.writeUTF(failingCheck);
    out.writeUTF(failingVantage);
    out.writeInt(2);
    out.writeLong(last - 60_000);
    out.writeBoolean(true); // an open incident
    out.writeLong(last - 60_000);
    out.writeInt(1);
    out.writeUTF(failingCheck);
    out.writeInt(1);
    out.writeUTF(failingVantage);
    return b.toByteArray();
  }

  @Test
  void aHealthStateOfFormatOneIsReadWithNoVantagesKnown() throws IOException {
    HealthState h = HealthState.fromBytes(healthV1(120_000, "sms-send", "fra"));
    assertThat(h.lastObservedAt()).isEqualTo(120_000);
    assertThat(h.failing()).containsOnlyKeys(new HealthState.CheckVantage("sms-send", "fra"));
    assertThat(h.incident().vantages()).containsExactly("fra");
    assertThat(h.vantages()).isEmpty();
    // the failing vantage gets the silence afresh from the next probe: "iad" succeeding 5 min
    // later does not retire it yet, 6 min after that probe does
    ServiceHealthTracker t = new ServiceHealthTracker(HealthRule.defaults());
    var s1 = t.observe(h, new ProbeObservation("p1", "sms-send", "iad", true, 180_000));
    assertThat(s1.transitions()).isEmpty();
    var s2 = t.observe(s1.state(), new ProbeObservation("p2", "sms-send", "iad", true, 480_000));
    assertThat(s2.transitions()).isEmpty();
    var s3 = t.observe(s2.state(), new ProbeObservation("p3", "sms-send", "iad", true, 540_001));
    assertThat(s3.transitions()).singleElement().isInstanceOf(HealthTransition.Up.class);
  }

  @Test
  void aRegionStateOfFormatOneIsReadWithNoGapsAndNoSilence() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeByte(1);
    RegionState.writeBytes(out, ReorderState.empty().toBytes());
    RegionState.writeBytes(out, healthV1(120_000, "sms-send", "fra"));
    RegionState.writeBytes(out, AlertState.initial().toBytes());
    out.writeInt(0); // outages
    out.writeInt(1);
    out.writeUTF("2026-11");
    out.writeUTF("2026-10");
    RegionState r = RegionState.fromBytes(b.toByteArray());
    assertThat(r.openMonths()).containsExactly(YearMonth.of(2026, 11));
    assertThat(r.closedThrough()).isEqualTo(YearMonth.of(2026, 10));
    assertThat(r.gaps()).isEmpty();
    assertThat(r.silence()).isNull();
  }

  @Test
  void theCurrentFormatRoundTripsAndAnUnknownOneIsRefused() {
    RegionState r =
        RegionState.initial()
            .withHealth(
                new HealthState(
                    5,
                    new TreeMap<>(),
                    new TreeMap<>(),
                    null,
                    new TreeMap<>(java.util.Map.of("a", 5L))))
            .withGaps(List.of(new Interval(1, 2)), new NoDataRule.Silence(3, 4));
    RegionState back = RegionState.fromBytes(r.toBytes());
    assertThat(back.gaps()).containsExactly(new Interval(1, 2));
    assertThat(back.silence()).isEqualTo(new NoDataRule.Silence(3, 4));
    assertThat(back.health().vantages()).containsEntry("a", 5L);
    byte[] bytes = r.toBytes();
    bytes[0] = 9;
    assertThatThrownBy(() -> RegionState.fromBytes(bytes))
        .hasMessageContaining("unknown format 9 (this version reads formats 1 to 2)");
  }

  @Test
  void aServiceStateOfFormatOneIsReadWithNoResumption() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeByte(1);
    out.writeLong(5_000);
    out.writeInt(1);
    out.writeUTF("mw-1");
    out.writeUTF("eu-west");
    out.writeLong(100);
    out.writeLong(200);
    ServiceState s = ServiceState.fromBytes(b.toByteArray());
    assertThat(s.clock()).isEqualTo(5_000);
    assertThat(s.maintenance("eu-west")).containsExactly(new Interval(100, 200));
    assertThat(s.resumedAt()).isEqualTo(Long.MIN_VALUE);
    // a step of more than the limit is a resumption; one of at most the limit is not
    assertThat(s.withClock(5_000 + 300_000, 300_000).resumedAt()).isEqualTo(Long.MIN_VALUE);
    assertThat(s.withClock(5_000 + 300_001, 300_000).resumedAt()).isEqualTo(305_001);
    assertThat(ServiceState.fromBytes(s.withClock(400_000, 300_000).toBytes()).resumedAt())
        .isEqualTo(400_000);
  }

  @Test
  void aWindowFromFormatTwoIsOneVersionAnnouncedInTimeAndNewVersionsAreKept() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeByte(2);
    out.writeLong(5_000);
    out.writeInt(1);
    out.writeUTF("mw-1");
    out.writeUTF("eu-west");
    out.writeLong(100);
    out.writeLong(200);
    out.writeLong(Long.MIN_VALUE);
    ServiceState s = ServiceState.fromBytes(b.toByteArray());
    assertThat(s.windows().get("mw-1").versions())
        .containsExactly(new ServiceState.Version(0, "eu-west", 100, 200, false));
    // the same window again keeps its first announcement; a change and a removal are versions
    s = s.withWindow("mw-1", 3_000, "eu-west", 100, 200);
    assertThat(s.windows().get("mw-1").versions()).hasSize(1);
    s = s.withWindow("mw-1", 4_000, "eu-west", 100, 300).withWindow("mw-1", 6_000, null, 0, 0);
    assertThat(s.maintenance("eu-west")).isEmpty();
    ServiceState read = ServiceState.fromBytes(s.toBytes());
    assertThat(read.windows().get("mw-1").versions())
        .containsExactly(
            new ServiceState.Version(0, "eu-west", 100, 200, false),
            new ServiceState.Version(4_000, "eu-west", 100, 300, false),
            new ServiceState.Version(6_000, "eu-west", 100, 300, true));
    assertThat(read.windowHistory("eu-west", new Interval(250, 400))).containsKey("mw-1");
    assertThat(read.windowHistory("eu-west", new Interval(300, 400))).isEmpty();
    assertThat(read.windowHistory("us-east", new Interval(0, 400))).isEmpty();
    // forgotten once every version ended by the given instant (the removal kept it till then)
    assertThat(read.withoutWindowsEndingBefore(299)).isSameAs(read);
    assertThat(read.withoutWindowsEndingBefore(300).windows()).isEmpty();
  }
}
