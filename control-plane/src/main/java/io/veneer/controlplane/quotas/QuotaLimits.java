package io.veneer.controlplane.quotas;

/**
 * What a holder may hold at once; a {@code null} limit is no limit on that measure.
 *
 * @param maxDesktops live desktops held
 * @param maxVcpus the vCPUs of those desktops, by their pools' desktop size
 * @param maxMemoryMib their memory, likewise
 */
public record QuotaLimits(Integer maxDesktops, Integer maxVcpus, Long maxMemoryMib) {

  public QuotaLimits {
    if (maxDesktops == null && maxVcpus == null && maxMemoryMib == null) {
      throw new IllegalArgumentException(
          "A quota limits at least one of maxDesktops, maxVcpus and maxMemoryMib");
    }
    if ((maxDesktops != null && maxDesktops < 0)
        || (maxVcpus != null && maxVcpus < 0)
        || (maxMemoryMib != null && maxMemoryMib < 0)) {
      throw new IllegalArgumentException("A quota's limits cannot be negative");
    }
  }
}
