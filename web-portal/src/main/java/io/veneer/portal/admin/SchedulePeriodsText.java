package io.veneer.portal.admin;

import io.veneer.portal.backend.ControlPlaneViews.Period;
import io.veneer.portal.web.PortalRefusal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pool form's schedule, one period a line: {@code MON-FRI 07:00-19:00 min=5 warm=2} (days as a
 * range or a list, {@code min} and {@code warm} each optional, 0 when left out). Only the shape of
 * a line is checked here; the control plane judges days, times and numbers and names what it
 * refuses.
 */
final class SchedulePeriodsText {

  private static final List<String> WEEK = List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");
  private static final Pattern LINE =
      Pattern.compile(
          "(?<days>\\S+)\\s+(?<from>\\d{1,2}:\\d{2})\\s*-\\s*(?<until>\\d{1,2}:\\d{2})"
              + "(?:\\s+min=(?<min>\\d+))?(?:\\s+warm=(?<warm>\\d+))?");

  private SchedulePeriodsText() {}

  static List<Period> parse(String text) {
    List<Period> periods = new ArrayList<>();
    if (text == null) {
      return periods;
    }
    String[] lines = text.strip().split("\\R");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw refusal(i + 1, line);
      }
      List<String> days = days(m.group("days"));
      if (days.isEmpty()) {
        throw refusal(i + 1, line);
      }
      periods.add(
          new Period(
              days,
              padded(m.group("from")),
              padded(m.group("until")),
              number(m.group("min")),
              number(m.group("warm"))));
    }
    return periods;
  }

  /** {@code MON-FRI} or {@code MON,WED}; a name outside the week is left for the control plane. */
  private static List<String> days(String typed) {
    List<String> days = new ArrayList<>();
    for (String part : typed.toUpperCase(Locale.ROOT).split(",")) {
      int dash = part.indexOf('-');
      if (dash > 0 && WEEK.contains(part.substring(0, dash))) {
        int from = WEEK.indexOf(part.substring(0, dash));
        int to = WEEK.indexOf(part.substring(dash + 1));
        if (to < from) {
          return List.of();
        }
        days.addAll(WEEK.subList(from, to + 1));
      } else if (!part.isBlank()) {
        days.add(part);
      }
    }
    return days;
  }

  private static String padded(String time) {
    return time.length() == 4 ? "0" + time : time;
  }

  private static int number(String digits) {
    return digits == null ? 0 : Integer.parseInt(digits);
  }

  private static PortalRefusal refusal(int number, String line) {
    return new PortalRefusal(
        400,
        "Not a schedule period",
        "Schedule line "
            + number
            + " ('"
            + line
            + "'): write the days, the hours and the numbers, such as MON-FRI 07:00-19:00"
            + " min=5 warm=2");
  }
}
