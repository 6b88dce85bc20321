package io.veneer.controlplane.pools;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One period of a pool's schedule: on {@code days}, from {@code from} until {@code until} (local
 * time of the schedule's zone), the pool keeps at least {@code minSize} desktops and {@code
 * warmSpares} free ones. A period whose {@code until} is not after its {@code from} runs past
 * midnight into the next day. {@link PowerSchedule} checks the numbers against the pool.
 */
public record SchedulePeriod(
    // Plain strings in the API's schema: the generated client cannot build a list of inline enums.
    @ArraySchema(
            schema =
                @Schema(
                    implementation = String.class,
                    description = "MON..SUN or MONDAY..SUNDAY; shown as MONDAY..SUNDAY"))
        Set<DayOfWeek> days,
    @JsonFormat(pattern = "HH:mm") LocalTime from,
    @JsonFormat(pattern = "HH:mm") LocalTime until,
    int minSize,
    int warmSpares) {

  private static final String FIELD = "power.schedule.periods[].";
  private static final DateTimeFormatter HOURS_AND_MINUTES = DateTimeFormatter.ofPattern("H:mm");

  public SchedulePeriod {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(until, "until");
    // In week order, for people and for equal specs alike.
    days =
        days == null || days.isEmpty()
            ? Set.of()
            : Collections.unmodifiableSet(EnumSet.copyOf(days));
  }

  /**
   * A period as the APIs name it: days as {@code MON} or {@code MONDAY}, times as {@code hh:mm}.
   *
   * @throws IllegalArgumentException naming the field that is wrong
   */
  @JsonCreator
  public static SchedulePeriod parse(
      @JsonProperty("days") List<String> days,
      @JsonProperty("from") String from,
      @JsonProperty("until") String until,
      @JsonProperty("minSize") int minSize,
      @JsonProperty("warmSpares") int warmSpares) {
    Set<DayOfWeek> parsed = EnumSet.noneOf(DayOfWeek.class);
    for (String day : days == null ? List.<String>of() : days) {
      parsed.add(day(day));
    }
    return new SchedulePeriod(
        parsed, time("from", from), time("until", until), minSize, warmSpares);
  }

  private static DayOfWeek day(String text) {
    String name = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
    for (DayOfWeek day : DayOfWeek.values()) {
      if (day.name().equals(name) || day.name().substring(0, 3).equals(name)) {
        return day;
      }
    }
    throw new IllegalArgumentException(
        FIELD + "days: '" + text + "' is not a day of the week (MON..SUN or MONDAY..SUNDAY)");
  }

  private static LocalTime time(String field, String text) {
    try {
      return LocalTime.parse(text == null ? "" : text.strip(), HOURS_AND_MINUTES);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          FIELD + field + ": '" + text + "' is not a time of day (hh:mm, 00:00 to 23:59)");
    }
  }

  /** Whether the period holds at {@code local}, a time in the schedule's zone. */
  public boolean holdsAt(ZonedDateTime local) {
    LocalTime time = local.toLocalTime();
    DayOfWeek day = local.getDayOfWeek();
    if (from.isBefore(until)) {
      return days.contains(day) && !time.isBefore(from) && time.isBefore(until);
    }
    return (days.contains(day) && !time.isBefore(from))
        || (days.contains(day.minus(1)) && time.isBefore(until));
  }

  /** e.g. {@code MON,TUE,WED,THU,FRI 07:00-19:00}. */
  public String describe() {
    return EnumSet.copyOf(days).stream()
            .map(day -> day.name().substring(0, 3))
            .collect(Collectors.joining(","))
        + " "
        + from
        + "-"
        + until;
  }
}
