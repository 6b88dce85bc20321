package io.veneer.controlplane.hosts;

/** An operator asked for a host state its current state does not allow (HTTP 409). */
public class HostStateConflictException extends RuntimeException {

  private final String hostId;
  private final HostStatus current;
  private final HostStatus requested;

  HostStateConflictException(String hostId, HostStatus current, HostStatus requested, String why) {
    super("Host " + hostId + " is " + current + " and cannot become " + requested + ": " + why);
    this.hostId = hostId;
    this.current = current;
    this.requested = requested;
  }

  public String hostId() {
    return hostId;
  }

  public HostStatus current() {
    return current;
  }

  public HostStatus requested() {
    return requested;
  }
}
