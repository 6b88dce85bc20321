package io.veneer.scheduler.filter;

import io.veneer.scheduler.HostView;
import io.veneer.scheduler.PlacementRequest;
import io.veneer.scheduler.cluster.MemoryFit;
import io.veneer.scheduler.cluster.Resources;
import java.util.Optional;

/**
 * The desktop fits when, for each resource, what is allocated plus what it asks for stays within
 * capacity times the host's overcommit ratio, and memory beyond the physical capacity is memory the
 * host's guests really leave unused ({@link MemoryFit}). Memory is checked first: it is the
 * resource that runs out in practice, and the explanation names the first shortage only.
 */
public final class ResourceFitFilter implements Filter {

  private static final Optional<Rejection> MEMORY =
      Optional.of(new Rejection("insufficient-memory", "insufficient memory"));
  private static final Optional<Rejection> CPU =
      Optional.of(new Rejection("insufficient-cpu", "insufficient cpu"));
  private static final Optional<Rejection> DISK =
      Optional.of(new Rejection("insufficient-disk", "insufficient disk"));

  @Override
  public String name() {
    return "resource-fit";
  }

  @Override
  public Optional<Rejection> check(HostView host, PlacementRequest request) {
    Resources size = request.size();
    // Both sides are whole MiB, vCPUs and GiB and the limit is floor(capacity x ratio), so
    // "allocated + size <= capacity x ratio" holds exactly when this integer comparison does.
    if (!MemoryFit.fits(
        host.allocatedMemoryMib() + size.memoryMib(),
        host.capacityMemoryMib(),
        host.limitMemoryMib(),
        host.unusedMemoryMib())) {
      return MEMORY;
    }
    if (host.allocatedVcpus() + size.vcpus() > host.limitVcpus()) {
      return CPU;
    }
    if (host.allocatedDiskGib() + size.diskGib() > host.limitDiskGib()) {
      return DISK;
    }
    return Optional.empty();
  }
}
