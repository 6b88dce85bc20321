package io.veneer.loadtests.fleet;

/** What each simulated host offers, as its agent reports it and as it is registered. */
public record HostCapacity(int vcpus, long memoryMib, long diskGib) {

  /** The hosts of the figures: 64 vCPUs, 256 GiB. */
  public static final HostCapacity LARGE = new HostCapacity(64, 256 * 1024, 2048);
}
