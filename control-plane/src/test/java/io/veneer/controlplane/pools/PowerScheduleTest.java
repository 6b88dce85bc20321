package io.veneer.controlplane.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PowerScheduleTest {

  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  private static final Set<DayOfWeek> WEEKDAYS = EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);

  /** Weekdays 07:00-19:00 at least 5, 08:30-10:00 also 4 warm spares; Friday nights 2 desktops. */
  private static final PowerSchedule OFFICE =
      new PowerSchedule(
          PARIS,
          List.of(
              new SchedulePeriod(WEEKDAYS, LocalTime.of(7, 0), LocalTime.of(19, 0), 5, 0),
              new SchedulePeriod(WEEKDAYS, LocalTime.of(8, 30), LocalTime.of(10, 0), 0, 4),
              new SchedulePeriod(
                  Set.of(DayOfWeek.FRIDAY), LocalTime.of(22, 0), LocalTime.of(2, 0), 2, 0)));

  @ParameterizedTest(name = "{0} in Paris: at least {1}, {2} warm")
  @CsvSource({
    // Monday 7 December 2026
    "2026-12-07T06:59, 1, 0",
    "2026-12-07T07:00, 5, 0",
    "2026-12-07T08:30, 5, 4",
    "2026-12-07T09:59, 5, 4",
    "2026-12-07T10:00, 5, 0",
    "2026-12-07T18:59, 5, 0",
    "2026-12-07T19:00, 1, 0",
    // Friday night into Saturday
    "2026-12-11T23:00, 2, 0",
    "2026-12-12T01:59, 2, 0",
    "2026-12-12T02:00, 1, 0",
    "2026-12-12T08:30, 1, 0",
  })
  void periodsRaiseThePoolsOwnNumbersWhileTheyHold(String local, int minSize, int warm) {
    PoolSizing sizing = OFFICE.sizingAt(LocalDateTime.parse(local).atZone(PARIS).toInstant(), 1, 0);

    assertThat(sizing.minSize()).isEqualTo(minSize);
    assertThat(sizing.warmSpares()).isEqualTo(warm);
    assertThat(sizing.reason())
        .endsWith("at least " + minSize + " desktops, " + warm + " warm spares");
  }

  @Test
  void theReasonNamesThePeriodsThatHold() {
    assertThat(
            OFFICE
                .sizingAt(LocalDateTime.parse("2026-12-07T09:00").atZone(PARIS).toInstant(), 1, 0)
                .reason())
        .isEqualTo(
            "schedule MON,TUE,WED,THU,FRI 07:00-19:00 and MON,TUE,WED,THU,FRI 08:30-10:00"
                + " (Europe/Paris): at least 5 desktops, 4 warm spares");
    assertThat(
            OFFICE
                .sizingAt(LocalDateTime.parse("2026-12-07T20:00").atZone(PARIS).toInstant(), 1, 0)
                .reason())
        .isEqualTo(
            "outside the schedule's periods (Europe/Paris): the pool's own: at least 1 desktops,"
                + " 0 warm spares");
  }

  @Test
  void refusesAPeriodNamingTheWrongFieldAndItsPosition() {
    SchedulePeriod good =
        new SchedulePeriod(WEEKDAYS, LocalTime.of(7, 0), LocalTime.of(19, 0), 1, 0);
    assertThatThrownBy(
            () ->
                new PowerSchedule(
                    PARIS,
                    List.of(
                        good,
                        new SchedulePeriod(Set.of(), LocalTime.NOON, LocalTime.MIDNIGHT, 1, 0))))
        .hasMessageStartingWith("power.schedule.periods[1].days");
    assertThatThrownBy(
            () ->
                new PowerSchedule(
                    PARIS,
                    List.of(new SchedulePeriod(WEEKDAYS, LocalTime.NOON, LocalTime.NOON, 1, 0))))
        .hasMessageStartingWith("power.schedule.periods[0].until");
  }
}
