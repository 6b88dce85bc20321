package io.veneer.portal.desktops;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One desktop as the "my desktops" table shows it.
 *
 * @param startTime how long its last start took (request or start to RUNNING); null if not seen
 * @param goldenUpdate it is dedicated and its pool has another golden version, which it takes on
 *     request ({@link DesktopAction#UPDATE})
 */
public record DesktopRow(
    UUID id,
    String poolName,
    String state,
    String hostId,
    String failureReason,
    Duration startTime,
    boolean goldenUpdate) {

  private static final Set<String> SETTLED = Set.of("RUNNING", "STOPPED", "FAILED", "DELETED");

  public List<DesktopAction> actions() {
    return Arrays.stream(DesktopAction.values())
        .filter(a -> a.allowedIn(state))
        .filter(a -> a != DesktopAction.UPDATE || goldenUpdate)
        .toList();
  }

  public boolean consoleAvailable() {
    return "RUNNING".equals(state);
  }

  /** Still moving towards a settled state: shown as busy to assistive technology. */
  public boolean busy() {
    return !SETTLED.contains(state);
  }

  public String startTimeText() {
    if (startTime == null) {
      return "\u2014";
    }
    long millis = startTime.toMillis();
    return millis < 60_000
        ? String.format("%.1f s", millis / 1000.0)
        : String.format("%d min %d s", millis / 60_000, millis % 60_000 / 1000);
  }

  public String shortId() {
    return id.toString().substring(0, 8);
  }
}
