package io.veneer.scheduler.cluster;

/** Scheduling state of a host; only {@link #UP} hosts receive new desktops. */
public enum HostState {
  UP("up"),
  MAINTENANCE("in maintenance"),
  DRAINING("draining"),
  FENCED("fenced"),
  DOWN("down");

  private final String phrase;

  HostState(String phrase) {
    this.phrase = phrase;
  }

  /** How a person reads the state in an explanation, e.g. "in maintenance". */
  public String phrase() {
    return phrase;
  }
}
