package io.veneer.scheduler.filter;

import io.veneer.scheduler.HostView;
import io.veneer.scheduler.PlacementRequest;
import io.veneer.scheduler.cluster.HostSnapshot;
import io.veneer.scheduler.cluster.Resources;
import java.util.Optional;

/**
 * The desktop fits when, for each resource, what is allocated plus what it asks for stays within
 * capacity times the host's overcommit ratio. Memory is checked first: it is the resource that runs
 * out in practice, and the explanation names the first shortage only.
 */
public final class ResourceFitFilter implements Filter {

  private static final Optional<Rejection> MEMORY =
      Optional.of(new Rejection("insufficient memory"));
  private static final Optional<Rejection> CPU = Optional.of(new Rejection("insufficient cpu"));
  private static final Optional<Rejection> DISK = Optional.of(new Rejection("insufficient disk"));

  @Override
  public String name() {
    return "resource-fit";
  }

  @Override
  public Optional<Rejection> check(HostView host, PlacementRequest request) {
    HostSnapshot snapshot = host.host();
    Resources size = request.size();
    if (host.allocatedMemoryMib() + size.memoryMib() > snapshot.limitMemoryMib()) {
      return MEMORY;
    }
    if (host.allocatedVcpus() + size.vcpus() > snapshot.limitVcpus()) {
      return CPU;
    }
    if (host.allocatedDiskGib() + size.diskGib() > snapshot.limitDiskGib()) {
      return DISK;
    }
    return Optional.empty();
  }
}
