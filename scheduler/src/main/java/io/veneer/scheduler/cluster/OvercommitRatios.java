package io.veneer.scheduler.cluster;

/**
 * How far each resource of a host may be promised beyond its physical capacity, in thousandths
 * (1500 = 1.5: a host with 64 GiB and a memory ratio of 1.5 can hold 96 GiB of desktops). Integer
 * thousandths keep the fit check exact at the boundary.
 */
public record OvercommitRatios(int vcpuPermille, int memoryPermille, int diskPermille) {

  /** No overcommit at all. */
  public static final OvercommitRatios NONE = new OvercommitRatios(1000, 1000, 1000);

  /** Safe defaults for desktops: CPU 4.0 (desktops idle most of the time), memory and disk 1.0. */
  public static final OvercommitRatios DEFAULT = new OvercommitRatios(4000, 1000, 1000);

  private static final int MAX_PERMILLE = 64_000;

  public OvercommitRatios {
    check("vcpu", vcpuPermille);
    check("memory", memoryPermille);
    check("disk", diskPermille);
  }

  public static OvercommitRatios of(double vcpu, double memory, double disk) {
    return new OvercommitRatios(permille(vcpu), permille(memory), permille(disk));
  }

  private static int permille(double ratio) {
    return (int) Math.round(ratio * 1000);
  }

  private static void check(String resource, int permille) {
    if (permille < 1000 || permille > MAX_PERMILLE) {
      throw new IllegalArgumentException(
          "The "
              + resource
              + " overcommit ratio must be between 1.0 and 64.0 (a ratio below 1 would strand"
              + " capacity), not "
              + permille / 1000.0);
    }
  }

  /**
   * The most that may be allocated on a host of the given capacity: floor(capacity x ratio), so an
   * allocation in whole units fits exactly when it is at most this.
   */
  public Resources limitOf(Resources capacity) {
    return new Resources(
        times(capacity.vcpus(), vcpuPermille),
        times(capacity.memoryMib(), memoryPermille),
        times(capacity.diskGib(), diskPermille));
  }

  // multiplyExact: an absurd capacity fails loudly instead of wrapping into a negative limit.
  private static long times(long amount, int permille) {
    return Math.multiplyExact(amount, (long) permille) / 1000;
  }
}
