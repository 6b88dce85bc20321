package io.veneer.controlplane.hosts;

import io.veneer.scheduler.cluster.Resources;

/**
 * What placed desktops hold on a host.
 *
 * @param allocated the sum of their resource claims
 * @param desktops how many desktops hold a claim there
 */
public record HostUsage(Resources allocated, int desktops) {

  public static final HostUsage NONE = new HostUsage(Resources.ZERO, 0);
}
