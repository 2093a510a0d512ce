package dev.nines.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.schema.MaintenanceCategory;
import dev.nines.schema.MaintenanceWindow;
import dev.nines.schema.Service;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Times in seconds after 12:00; the window runs 12:10 to 12:20. */
class MaintenanceScheduleTest {
  static final long T = Instant.parse("2026-12-06T12:00:00Z").toEpochMilli();

  static long at(int s) {
    return T + s * 1000L;
  }

  static MaintenanceWindow window(int from, int to) {
    return new MaintenanceWindow(
        Service.VOICE,
        "eu-west",
        Instant.ofEpochMilli(at(from)),
        Instant.ofEpochMilli(at(to)),
        null,
        MaintenanceCategory.UNKNOWN);
  }

  static List<String> events(List<Notification> ns) {
    return ns.stream().map(Notification::deliveryId).toList();
  }

  static final String KEY = "maintenance:mw-1:2026-12-06T12:10:00Z/2026-12-06T12:20:00Z";

  @Test
  void aWindowIsAnnouncedWhenReadAndStartsAndEndsByTheClock() {
    MaintenanceSchedule s = new MaintenanceSchedule();
    s.assigned(0, 0, at(0));
    assertThat(events(s.onRecord(0, 0, "mw-1", window(600, 1200))))
        .containsExactly(KEY + ":ANNOUNCED");
    assertThat(s.due(0, at(599))).isEmpty();
    assertThat(events(s.due(0, at(600)))).containsExactly(KEY + ":STARTED");
    assertThat(s.due(0, at(601))).isEmpty();
    assertThat(events(s.due(0, at(1300)))).containsExactly(KEY + ":ENDED");
    assertThat(s.notifiedUntil(0)).isEqualTo(at(1300));
  }

  @Test
  void whatFellDueWhileNobodyHeldThePartitionIsSentInOrderAndNothingTwice() {
    // the previous holder committed offset 1 (the record was announced) and notifiedUntil 12:05
    MaintenanceSchedule s = new MaintenanceSchedule();
    s.assigned(0, 1, at(300));
    // read again from the start: it rebuilds the window and tells nothing
    assertThat(s.onRecord(0, 0, "mw-1", window(600, 1200))).isEmpty();
    assertThat(s.replayed(0, 1)).isTrue();
    // back at 12:30: the start and the end, in that order
    assertThat(events(s.due(0, at(1800)))).containsExactly(KEY + ":STARTED", KEY + ":ENDED");
    assertThat(s.due(0, at(1900))).isEmpty();
  }

  @Test
  void aWindowReadAfterItStartedIsAnnouncedAndStartedAndOneOverIsHistory() {
    MaintenanceSchedule s = new MaintenanceSchedule();
    s.assigned(0, 0, at(900));
    assertThat(events(s.onRecord(0, 0, "mw-1", window(600, 1200))))
        .containsExactly(KEY + ":ANNOUNCED", KEY + ":STARTED");
    assertThat(events(s.due(0, at(1200)))).containsExactly(KEY + ":ENDED");
    assertThat(s.onRecord(0, 1, "mw-2", window(0, 300))).isEmpty();
  }

  @Test
  void anEditIsANewWindowTheSameRecordAgainIsNothingAndARemovalCancels() {
    MaintenanceSchedule s = new MaintenanceSchedule();
    s.assigned(0, 0, at(0));
    s.onRecord(0, 0, "mw-1", window(600, 1200));
    assertThat(s.onRecord(0, 1, "mw-1", window(600, 1200))).isEmpty();
    assertThat(events(s.onRecord(0, 2, "mw-1", window(600, 1500))))
        .containsExactly("maintenance:mw-1:2026-12-06T12:10:00Z/2026-12-06T12:25:00Z:ANNOUNCED");
    assertThat(events(s.onRecord(0, 3, "mw-1", null)))
        .containsExactly("maintenance:mw-1:2026-12-06T12:10:00Z/2026-12-06T12:25:00Z:CANCELLED");
    assertThat(s.due(0, at(2000))).isEmpty();
  }

  @Test
  void theInstantTravelsWithTheCommittedOffset() {
    assertThat(MaintenanceSchedule.notifiedUntil(MaintenanceSchedule.metadata(at(5)), 7))
        .isEqualTo(at(5));
    assertThat(MaintenanceSchedule.notifiedUntil("", 7)).isEqualTo(7);
    assertThat(MaintenanceSchedule.notifiedUntil(null, 7)).isEqualTo(7);
  }
}
