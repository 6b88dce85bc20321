package io.veneer.controlplane.quotas;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One admin's change of a quota, before and after; {@code null} for no quota at all (before it was
 * set, after it was removed). A {@code null} limit inside is no limit on that measure, which is
 * higher than any number.
 */
public record QuotaChange(QuotaHolder holder, QuotaLimits before, QuotaLimits after) {

  /** What an event calls it. */
  public enum Kind {
    SET,
    RAISED,
    LOWERED,
    CHANGED,
    REMOVED;

    /** Its CloudEvents type, e.g. {@code io.veneer.quota.raised}. */
    public String eventType() {
      return "io.veneer.quota." + name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private record Measure(String name, Long before, Long after) {

    boolean changed() {
      return before == null ? after != null : !before.equals(after);
    }

    /** Whether it went up; no limit is above every number. */
    boolean raised() {
      return before != null && (after == null || after > before);
    }

    @Override
    public String toString() {
      return name + " " + words(before) + " -> " + words(after);
    }

    private static String words(Long limit) {
      return limit == null ? "none" : limit.toString();
    }
  }

  /** Empty when nothing changed: the same limits set again. */
  public Optional<Kind> kind() {
    if (before == null) {
      return Optional.of(Kind.SET);
    }
    if (after == null) {
      return Optional.of(Kind.REMOVED);
    }
    List<Measure> changed = changed();
    if (changed.isEmpty()) {
      return Optional.empty();
    }
    boolean up = changed.stream().anyMatch(Measure::raised);
    boolean down = changed.stream().anyMatch(m -> !m.raised());
    return Optional.of(up && down ? Kind.CHANGED : up ? Kind.RAISED : Kind.LOWERED);
  }

  /** Each measure that changed, e.g. {@code maxDesktops 2 -> 3, maxVcpus none -> 8}. */
  public String description() {
    return String.join(", ", changed().stream().map(Measure::toString).toList());
  }

  private List<Measure> changed() {
    List<Measure> measures = new ArrayList<>();
    measures.add(
        new Measure(
            "maxDesktops",
            widen(before == null ? null : before.maxDesktops()),
            widen(after == null ? null : after.maxDesktops())));
    measures.add(
        new Measure(
            "maxVcpus",
            widen(before == null ? null : before.maxVcpus()),
            widen(after == null ? null : after.maxVcpus())));
    measures.add(
        new Measure(
            "maxMemoryMib",
            before == null ? null : before.maxMemoryMib(),
            after == null ? null : after.maxMemoryMib()));
    return measures.stream().filter(Measure::changed).toList();
  }

  private static Long widen(Integer limit) {
    return limit == null ? null : limit.longValue();
  }
}
