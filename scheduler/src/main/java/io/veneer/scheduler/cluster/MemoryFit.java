package io.veneer.scheduler.cluster;

/**
 * The one memory rule, for the scheduler's filter and for the claim made under the host's lock. A
 * host never holds more than its capacity x ratio (the admin's ceiling). Up to its physical
 * capacity it takes desktops on their allocations alone; beyond it, only when its guests, by their
 * last report, really leave that much unused: the allocations less what the running guests leave
 * unused must stay within the physical capacity. Desktops not yet running count at their full
 * allocation, so a boot storm cannot borrow memory its guests have not shown to be free. A host
 * without a recent report is judged by its allocations alone, up to capacity x ratio.
 */
public final class MemoryFit {

  /** The unused figure of a host without a recent report. */
  public static final long UNOBSERVED = -1;

  private MemoryFit() {}

  /**
   * @param allocatedMib what the host's desktops claim, the new one included
   * @param capacityMib the host's physical memory
   * @param limitMib capacity x the host's memory overcommit ratio
   * @param unusedMib what its running guests leave unused ({@link ObservedMemory#unusedMib()}), or
   *     {@link #UNOBSERVED}
   */
  public static boolean fits(long allocatedMib, long capacityMib, long limitMib, long unusedMib) {
    if (allocatedMib > limitMib) {
      return false;
    }
    return unusedMib == UNOBSERVED
        || allocatedMib <= capacityMib
        || allocatedMib - unusedMib <= capacityMib;
  }
}
