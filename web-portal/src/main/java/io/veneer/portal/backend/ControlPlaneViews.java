package io.veneer.portal.backend;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The control plane's REST shapes, as far as the portal reads them. */
public final class ControlPlaneViews {

  private ControlPlaneViews() {}

  /**
   * A desktop. {@code console} is where its display listens: the control plane does not send it yet
   * (see the README), so the console page says it is unavailable until it does.
   */
  public record Desktop(
      UUID id,
      UUID poolId,
      String owner,
      String state,
      String hostId,
      String goldenVersion,
      String failureReason,
      Instant createdAt,
      Console console) {}

  /** The desktop's display as the node agent reports it (agent.v1 ConsoleEndpoint). */
  public record Console(String host, int port, String password, String protocol) {}

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
      Set<String> entitledGroups) {}

  public record Pool(UUID id, PoolSpec spec, String state, long version) {}

  public record Host(
      String id,
      String state,
      Resources capacity,
      Map<String, String> labels,
      String zone,
      Instant lastHeartbeatAt,
      long generation) {}

  public record Page<T>(List<T> items, String nextCursor) {}

  record CreateDesktop(UUID poolId) {}
}
