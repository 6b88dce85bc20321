package io.veneer.controlplane.pools;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;

/**
 * A pool's size by the clock: periods in one time zone, each raising the pool's minimum size and
 * warm spares while it holds. Outside every period the pool's own numbers apply; where periods
 * overlap, the largest number of each wins.
 */
public record PowerSchedule(ZoneId zone, List<SchedulePeriod> periods) {

  /** No periods: the pool's own numbers at every hour. */
  public static final PowerSchedule NONE = new PowerSchedule(ZoneOffset.UTC, List.of());

  public PowerSchedule {
    Objects.requireNonNull(zone, "power.schedule.timeZone");
    periods = periods == null ? List.of() : List.copyOf(periods);
    for (int i = 0; i < periods.size(); i++) {
      SchedulePeriod period = periods.get(i);
      String field = "power.schedule.periods[" + i + "]";
      if (period.days().isEmpty()) {
        throw new IllegalArgumentException(field + ".days: name at least one day");
      }
      if (period.from().equals(period.until())) {
        throw new IllegalArgumentException(
            field + ".until: must differ from from (" + period.from() + ")");
      }
      if (period.minSize() < 0 || period.warmSpares() < 0) {
        throw new IllegalArgumentException(field + ".minSize and .warmSpares: must be 0 or more");
      }
    }
  }

  /**
   * A schedule as the APIs name it: an IANA time zone ({@code Europe/Paris}) and its periods; the
   * zone may be left out only when there are no periods.
   *
   * @throws IllegalArgumentException naming the field that is wrong
   */
  @JsonCreator
  public static PowerSchedule parse(
      @JsonProperty("zone") String zone, @JsonProperty("periods") List<SchedulePeriod> periods) {
    if (zone == null || zone.isBlank()) {
      if (periods == null || periods.isEmpty()) {
        return NONE;
      }
      throw new IllegalArgumentException(
          "power.schedule.zone: name the time zone of the periods (e.g. Europe/Paris)");
    }
    try {
      return new PowerSchedule(ZoneId.of(zone.strip()), periods);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "power.schedule.zone: '" + zone + "' is not a time zone (e.g. Europe/Paris, UTC)");
    }
  }

  public boolean isEmpty() {
    return periods.isEmpty();
  }

  /**
   * The pool's minimum size and warm spares at {@code now}: its own, raised by every period that
   * holds then, and why.
   */
  public PoolSizing sizingAt(Instant now, int ownMinSize, int ownWarmSpares) {
    ZonedDateTime local = now.atZone(zone);
    int minSize = ownMinSize;
    int warmSpares = ownWarmSpares;
    StringBuilder why = new StringBuilder();
    for (SchedulePeriod period : periods) {
      if (period.holdsAt(local)) {
        minSize = Math.max(minSize, period.minSize());
        warmSpares = Math.max(warmSpares, period.warmSpares());
        why.append(why.isEmpty() ? "schedule " : " and ").append(period.describe());
      }
    }
    String reason;
    if (periods.isEmpty()) {
      reason = "no schedule: the pool's own";
    } else if (why.isEmpty()) {
      reason = "outside the schedule's periods (" + zone + "): the pool's own";
    } else {
      reason = why.append(" (").append(zone).append(")").toString();
    }
    return new PoolSizing(
        minSize,
        warmSpares,
        reason + ": at least " + minSize + " desktops, " + warmSpares + " warm spares");
  }
}
