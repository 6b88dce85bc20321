package io.veneer.portal.backend;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/** The control plane's REST shapes, as far as the portal reads them. */
public final class ControlPlaneViews {

  private ControlPlaneViews() {}

  /** A desktop. */
  public record Desktop(
      UUID id,
      UUID poolId,
      String owner,
      String state,
      String hostId,
      String goldenVersion,
      String failureReason,
      Instant createdAt) {}

  /** A single-use console ticket for one desktop and the person who asked for it. */
  public record ConsoleTicket(String ticket, UUID desktopId, Instant expiresAt) {}

  /**
   * A redeemed ticket: the console listener of the desktop's host agent at {@code host}:{@code
   * port} ({@code host} is its host's own address, not one its agent named), and the grant it
   * admits, good once, for seconds. Never sent to the browser.
   */
  public record ConsoleAccess(
      UUID desktopId, String hostId, String host, int port, String grant, String protocol) {

    @Override
    public String toString() {
      return "ConsoleAccess[desktop=" + desktopId + ", host=" + hostId + "]";
    }
  }

  public record Resources(long vcpus, long memoryMib, long diskGib) {}

  public record PoolSpec(
      String name,
      String kind,
      String goldenImage,
      String goldenVersion,
      String goldenDigest,
      Resources size,
      int minSize,
      int maxSize,
      int warmSpares,
      int maxConcurrentRefresh,
      Set<String> entitledUsers,
      Set<String> entitledGroups,
      Placement placement,
      Power power,
      // Null from a control plane that does not say: none.
      Long userDataDiskGib) {}

  /**
   * Idle shutdown and schedule of a pool, as the control plane's {@code PoolPower}: it judges them,
   * and names the field when it refuses.
   */
  public record Power(int idleShutdownMinutes, Schedule schedule) {}

  /** Periods in one time zone that raise a pool's minimum size and warm spares. */
  public record Schedule(String zone, List<Period> periods) {

    /**
     * The periods as the pool form shows them, one a line: {@code MON,TUE 07:00-19:00 min=5
     * warm=2}.
     */
    public String periodsText() {
      return periods == null
          ? ""
          : periods.stream().map(Period::text).collect(Collectors.joining("\n"));
    }
  }

  /** On {@code days}, from {@code from} until {@code until} (hh:mm, local). */
  public record Period(List<String> days, String from, String until, int minSize, int warmSpares) {

    String text() {
      return days.stream()
              .map(day -> day.length() > 3 ? day.substring(0, 3) : day)
              .collect(Collectors.joining(","))
          + " "
          + hhmm(from)
          + "-"
          + hhmm(until)
          + " min="
          + minSize
          + " warm="
          + warmSpares;
    }

    private static String hhmm(String time) {
      return time.length() > 5 ? time.substring(0, 5) : time;
    }
  }

  /**
   * Which hosts a pool's desktops may run on: with these labels, in this zone ('' = any); spread or
   * packed ('' = as the fleet).
   */
  public record Placement(
      Map<String, String> requiredLabels, String requiredZone, String strategy) {

    /** The labels as the pool form shows them: {@code gpu=true, ssd=yes}. */
    public String labelsText() {
      return requiredLabels == null
          ? ""
          : new TreeMap<>(requiredLabels)
              .entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(", "));
    }
  }

  public record Pool(UUID id, PoolSpec spec, String state, long version, Rollout rollout) {}

  /**
   * Where a pool's desktops stand against its golden version (a roll in progress when not all are
   * current).
   */
  public record Rollout(
      int desktops, int current, int refreshing, int waitingForLogoff, int queued) {

    public boolean complete() {
      return current == desktops;
    }

    /** Percent of the desktops on the pool's version, 100 for a pool without desktops. */
    public int percent() {
      return desktops == 0 ? 100 : current * 100 / desktops;
    }
  }

  /**
   * A host: {@code allocated} is what its desktops claim, {@code allocatable} its capacity times
   * the overcommit ratios, what placement may promise.
   */
  public record Host(
      String id,
      String state,
      Resources capacity,
      Resources allocatable,
      Resources allocated,
      int desktops,
      Map<String, String> labels,
      String zone,
      Instant lastHeartbeatAt,
      long generation) {}

  public record Page<T>(List<T> items, String nextCursor) {}

  /** A person in the control plane's directory (Keycloak): pools entitle them by {@code id}. */
  public record DirectoryUser(String id, String username, String email, String fullName) {}

  record CreateDesktop(UUID poolId) {}

  record Redemption(String ticket, String subject) {}

  /** What a user, or a group's members together, may hold at once; {@code null} = no limit. */
  public record QuotaLimits(Integer maxDesktops, Integer maxVcpus, Long maxMemoryMib) {}

  /** What the holder of a quota holds now. */
  public record QuotaUsage(long desktops, long vcpus, long memoryMib) {}

  /** A quota ({@code kind} {@code user} or {@code group}) beside its usage. */
  public record Quota(
      String kind, String name, QuotaLimits limits, QuotaUsage usage, Instant updatedAt) {}
}
